"""Training-only code for train_model.py; never imported by the digitpad app."""
