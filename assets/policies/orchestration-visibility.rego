# Orchestration visibility: every orchestration-plane component (orchestrator, router) that
# handles flows lets the owner audit at least partial logs. `unknown` does not pass.
package triplane.orchestration_visibility

auditable := {"partial-logs", "full-reproducibility"}

violations contains v if {
	some i, f in input.flows
	f.to_plane == "orchestration"
	comp := input.components[f.to]
	not comp.visibility in auditable
	v := {
		"rule": "orchestration-below-partial-logs",
		"message": sprintf("orchestration component `%s` has visibility `%s`, below partial-logs", [comp.id, comp.visibility]),
		"flow": i,
		"jurisdiction": concat(", ", f.jurisdictions),
	}
}
