"""Skill master studios (技能大师工作室/站) and high-skill training bases (高技能人才培训基地)."""
