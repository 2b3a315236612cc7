"""Dynamical analyses of the Izhikevich model."""
