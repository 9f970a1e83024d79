"""Benchmark/test oracle: OpenCV's findChessboardCorners + cornerSubPix((11, 11)) on image files, as JSON.

Usage: python cli/opencv_corners.py [--fixture] COLS ROWS IMAGE...   (needs opencv-python-headless; tests never run it)

Output: {image path: null | {"corners": [x0, y0, x1, y1, ...], "unrefined": [k, ...]}}. "unrefined" lists the
corners that cornerSubPix left exactly where findChessboardCorners put them: OpenCV reverts a corner whose
refinement walks further than its window, so such a corner is only the coarse quad estimate and can be pixels off.
--fixture wraps it as {"opencv": version, "board": [COLS, ROWS], "images": {file name: ...}}: the committed
src/calibration/__fixtures__/pose2sim-opencv-corners.json, so tests need no OpenCV, was made from the repo root with
  python cli/opencv_corners.py --fixture 4 7 ../shared/data/pose2sim-demo/calibration/intrinsics/*/*.jpg
"""
import json
import os
import sys

import cv2

args = sys.argv[1:]
fixture = args[:1] == ["--fixture"]
if fixture:
    args = args[1:]
cols, rows = int(args[0]), int(args[1])
out = {}
for path in args[2:]:
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    ok, coarse = cv2.findChessboardCorners(gray, (cols, rows), None)
    if not ok:
        out[path] = None
        continue
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.001)
    fine = cv2.cornerSubPix(gray, coarse.copy(), (11, 11), (-1, -1), crit)
    a, b = coarse.reshape(-1, 2), fine.reshape(-1, 2)
    unrefined = [k for k in range(len(a)) if a[k][0] == b[k][0] and a[k][1] == b[k][1]]
    out[path] = {"corners": [round(float(v), 3) for v in b.reshape(-1)], "unrefined": unrefined}
if fixture:
    out = {"opencv": cv2.__version__, "board": [cols, rows], "images": {os.path.basename(k): v for k, v in out.items()}}
json.dump(out, sys.stdout)
