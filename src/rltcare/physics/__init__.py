"""Radiation-safety engines: decay, dose rate, release, restrictions, waste. Pure: no I/O."""
