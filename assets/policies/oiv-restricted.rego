# OIV / restricted: restricted data (rank 5 and above) stays on the operator's own sites:
# components the deployment's owner runs itself on an on-premises site, and its users.
package triplane.oiv_restricted

violations contains v if {
	some i, f in input.flows
	some c in f.classes
	input.classes[c].rank >= 5
	comp := input.components[f.to]
	comp.kind != "users"
	not comp.own_site
	v := {
		"rule": "restricted-data-off-own-site",
		"message": "restricted data leaves the operator's own sites",
		"flow": i,
		"jurisdiction": concat(", ", f.jurisdictions),
	}
}
