"""Training: projects, classes, enrolments, attendance, and enterprise new-type apprenticeships."""

from app.demand.pipeline import register_pipeline_counter
from app.training.pipeline import trained_against_demand

# Training is the stage after demand: tell the demand page how many people are trained against it.
register_pipeline_counter("training", trained_against_demand)
