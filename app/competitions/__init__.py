"""Skills competitions (职业技能竞赛): events, marking schemes, entries, judges, blind marking, results and
promotion by result (竞赛晋级)."""
