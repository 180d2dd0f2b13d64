# LightGBM peer of bench/gbdt-lightgbm.ts: loads the bench's CSV tables once, then answers one JSON request per
# stdin line ({"table": name, "threads": k, "params": {...}}) with one JSON line: the fit's wall and CPU seconds
# (lgb.Dataset from the float matrix + lgb.train, as our fit bins and trains) and the test-tail probabilities.
# Process start and CSV parsing stay outside the clock. Usage: python3 lightgbm-peer.py NAME=DIR [NAME=DIR ...]
import json
import sys
import time

import lightgbm as lgb
import numpy as np

tables = {}
for arg in sys.argv[1:]:
    name, folder = arg.split('=', 1)
    tr = np.loadtxt(folder + '/train.csv', delimiter=',', dtype=np.float64)
    te = np.loadtxt(folder + '/test.csv', delimiter=',', dtype=np.float64)
    tables[name] = (np.ascontiguousarray(tr[:, 1:]), tr[:, 0].astype(np.int32), np.ascontiguousarray(te[:, 1:]))
print(json.dumps({'ready': True, 'version': lgb.__version__}), flush=True)

for line in sys.stdin:
    req = json.loads(line)
    x, y, xte = tables[req['table']]
    params = dict(req['params'], objective='binary', num_threads=req['threads'], verbose=-1)
    rounds = params.pop('num_iterations')
    w0, c0 = time.perf_counter(), time.process_time()
    booster = lgb.train(params, lgb.Dataset(x, y), num_boost_round=rounds)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    p = booster.predict(xte)
    print(json.dumps({'wall': wall, 'cpu': cpu, 'trees': booster.num_trees(), 'p': p.tolist()}), flush=True)
