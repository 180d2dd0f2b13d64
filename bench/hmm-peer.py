# pomegranate peer of bench/hmm-pomegranate.ts (Debian's python3-pomegranate 0.14.8; run with /usr/bin/python3).
# Reads one JSON request on stdin: {"x": [[...], ...] observations, "given" and "init": {startProbabilities,
# transitionMatrix, means, covariances} (nested lists), "maxIterations", "stopThreshold", "timingRuns"}. Builds a HiddenMarkovModel with
# MultivariateGaussianDistribution emissions (no end state) and prints one JSON line: the forward log-likelihood and
# the Viterbi path of the given parameters, Baum-Welch from the initial parameters (no pseudocounts, no inertia) with
# the fitted model's log-likelihood and parameters, and wall times of each call (timingRuns runs).
import json
import sys
import time

import numpy as np
import pomegranate
from pomegranate import HiddenMarkovModel, MultivariateGaussianDistribution


def build(p):
    k = len(p['startProbabilities'])
    dists = [MultivariateGaussianDistribution(np.array(p['means'][s]), np.array(p['covariances'][s])) for s in range(k)]
    return HiddenMarkovModel.from_matrix(
        np.array(p['transitionMatrix']), dists, np.array(p['startProbabilities']),
        state_names=['s%d' % s for s in range(k)], name='hmm')


def state_index(model):
    return {i: int(st.name[1:]) for i, st in enumerate(model.states) if st.name.startswith('s') and st.name[1:].isdigit()}


def params(model, k):
    idx = state_index(model)
    pos = {s: i for i, s in idx.items()}
    dense = model.dense_transition_matrix()
    start = [float(dense[model.start_index, pos[s]]) for s in range(k)]
    trans = [[float(dense[pos[i], pos[j]]) for j in range(k)] for i in range(k)]
    means = [np.array(model.states[pos[s]].distribution.parameters[0]).tolist() for s in range(k)]
    covs = [np.array(model.states[pos[s]].distribution.parameters[1]).tolist() for s in range(k)]
    return {'startProbabilities': start, 'transitionMatrix': trans, 'means': means, 'covariances': covs}


req = json.loads(sys.stdin.read())
x = np.array(req['x'], dtype=np.float64)
k = len(req['init']['startProbabilities'])
model = build(req['given'])
ll = float(model.log_probability(x))
vlogp, vpath = model.viterbi(x)
idx = state_index(model)
path = [idx[i] for i, _ in vpath if i in idx]


def fit():
    m = build(req['init'])
    m.fit([x], algorithm='baum-welch', max_iterations=req['maxIterations'], stop_threshold=req.get('stopThreshold', 1e-9),
          transition_pseudocount=0, emission_pseudocount=0.0, use_pseudocount=False, edge_inertia=0.0,
          distribution_inertia=0.0, n_jobs=1)
    return m


def timed(fn, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


fitted = fit()
runs = req.get('timingRuns', 0)
print(json.dumps({
    'peer': 'pomegranate %s' % pomegranate.__version__,
    'forwardLogLikelihood': ll,
    'viterbiLogProbability': float(vlogp),
    'viterbiPath': path,
    'fitted': {'logLikelihood': float(fitted.log_probability(x)), 'params': params(fitted, k)},
    'timings': {'forward': timed(lambda: model.log_probability(x), runs),
                'viterbi': timed(lambda: model.viterbi(x), runs),
                'fit': timed(fit, runs)},
}))
