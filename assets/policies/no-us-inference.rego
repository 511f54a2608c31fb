# No US inference: no inference call reaches a model endpoint exposed to a US
# compelled-access law or under US jurisdiction through its operator chain or site.
package triplane.no_us_inference

us_reachable(comp) if {
	some law in comp.exposure
	law.status == "exposed"
	law.jurisdiction == "US"
}

us_reachable(comp) if "US" in comp.jurisdictions

violations contains v if {
	some i, f in input.flows
	f.to_plane == "inference"
	comp := input.components[f.to]
	us_reachable(comp)
	v := {
		"rule": "inference-under-us-jurisdiction",
		"message": "an inference call reaches a model endpoint under US jurisdiction",
		"flow": i,
		"jurisdiction": "US",
	}
}
