"""Placement (就业服务): starts of work with evidence, follow-ups (稳岗), matching and invitations."""

from app.demand.pipeline import register_pipeline_counter
from app.placement.pipeline import placed_against_demand

register_pipeline_counter("placement", placed_against_demand)
