# SecNumCloud: restricted data (rank 5 and above) is handled only by SecNumCloud-qualified
# offerings. SecNumCloud qualifies cloud services; a component the owner runs on its own
# premises is outside its scope (the oiv-restricted pack covers that case). The users at
# the edge are the owner's own people and are not checked.
package triplane.secnumcloud

qualified(comp) if {
	some cert in comp.certifications
	contains(lower(cert), "secnumcloud")
}

violations contains v if {
	some i, f in input.flows
	some c in f.classes
	input.classes[c].rank >= 5
	comp := input.components[f.to]
	comp.kind != "users"
	not comp.own_site
	not qualified(comp)
	v := {
		"rule": "restricted-data-off-secnumcloud",
		"message": "restricted data reaches a component that is neither SecNumCloud-qualified nor on the owner's premises",
		"flow": i,
		"jurisdiction": concat(", ", f.jurisdictions),
	}
}
