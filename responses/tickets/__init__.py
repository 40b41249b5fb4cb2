"""The respondent's side of survey tickets: type or scan a code, answer once."""
