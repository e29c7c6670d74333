"""Skills assessment (职业技能等级认定): plans, registration, sessions and staffing, scores, results, appointments."""
