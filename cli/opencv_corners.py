"""Benchmark oracle: OpenCV's findChessboardCorners + cornerSubPix((11, 11)) on image files, as JSON on stdout.

Usage: python cli/opencv_corners.py COLS ROWS IMAGE...   (needs opencv-python-headless; not used by tests)
"""
import json
import sys

import cv2

cols, rows = int(sys.argv[1]), int(sys.argv[2])
out = {}
for path in sys.argv[3:]:
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    ok, corners = cv2.findChessboardCorners(gray, (cols, rows), None)
    if ok:
        crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.001)
        corners = cv2.cornerSubPix(gray, corners, (11, 11), (-1, -1), crit)
        out[path] = corners.reshape(-1).tolist()
    else:
        out[path] = None
json.dump(out, sys.stdout)
