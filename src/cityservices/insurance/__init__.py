"""Medical-insurance services (医保): members, enterprises, rules, the drug catalogue and settlements."""
