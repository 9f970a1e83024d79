"""Parallax lifter training: mocap readers, pose bank, synthetic multi-view samples, model and export."""
