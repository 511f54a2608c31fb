# GDPR strict: personal and special-category data never reach a component exposed to a
# compelled-access law outside the EU, nor one whose exposure is not established.
# Under the `dpf-annulled` scenario, personal data entering a US-jurisdiction component
# also loses the EU-US Data Privacy Framework as its transfer basis.
# Input shape: docs/simulation.md ("Policy input").
package triplane.gdpr_strict

personal(f) if {
	some c in f.classes
	input.classes[c].personal
}

violations contains v if {
	some i, f in input.flows
	personal(f)
	comp := input.components[f.to]
	some law in comp.exposure
	law.status == "exposed"
	law.jurisdiction != "EU"
	v := {
		"rule": "personal-data-reaches-non-eu-exposed",
		"message": "personal data reaches a component exposed to a non-EU compelled-access law",
		"flow": i,
		"jurisdiction": law.jurisdiction,
	}
}

violations contains v if {
	some i, f in input.flows
	personal(f)
	comp := input.components[f.to]
	not exposed_outside_eu(comp)
	some law in comp.exposure
	law.status == "unknown"
	law.jurisdiction != "EU"
	v := {
		"rule": "personal-data-reaches-unknown-exposure",
		"message": "personal data reaches a component whose exposure to a non-EU law is not established",
		"flow": i,
		"jurisdiction": law.jurisdiction,
	}
}

violations contains v if {
	input.scenario.dpf_annulled
	some i, f in input.flows
	personal(f)
	comp := input.components[f.to]
	"US" in comp.jurisdictions
	v := {
		"rule": "transfer-basis-lost",
		"message": "personal data enters US jurisdiction without the EU-US Data Privacy Framework",
		"flow": i,
		"jurisdiction": "US",
	}
}

exposed_outside_eu(comp) if {
	some law in comp.exposure
	law.status == "exposed"
	law.jurisdiction != "EU"
}
