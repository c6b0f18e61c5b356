"""The table of nn.functional calls that tests/test_torch_functional.py runs
against PyTorch and tests/test_functional_gradcheck.py gradient-checks: one
row per function and option, each a function of (F, *inputs) that runs on
minigrad.nn.functional and torch.nn.functional alike (see torch_rows.py for
the input specs)."""

R = ("none", "mean", "sum")

ROWS = [
    # name, f(F, *inputs), input specs
    ("relu", lambda F, x: F.relu(x), [("n", (3, 4))]),
    ("silu", lambda F, x: F.silu(x), [("n", (3, 4))]),
    ("gelu", lambda F, x: F.gelu(x), [("n", (3, 4))]),
    ("gelu tanh", lambda F, x: F.gelu(x, approximate="tanh"), [("n", (3, 4))]),
    ("tanh", lambda F, x: F.tanh(x), [("n", (3, 4))]),
    ("sigmoid", lambda F, x: F.sigmoid(x), [("n", (3, 4))]),
    ("leaky_relu", lambda F, x: F.leaky_relu(x), [("n", (3, 4))]),
    ("leaky_relu 0.2", lambda F, x: F.leaky_relu(x, 0.2), [("n", (2, 5))]),
    ("logsigmoid", lambda F, x: F.logsigmoid(x * 20), [("n", (3, 4))]),
    ("glu", lambda F, x: F.glu(x), [("n", (3, 4))]),
    ("glu dim 0", lambda F, x: F.glu(x, dim=0), [("n", (4, 3))]),
    ("softmax", lambda F, x: F.softmax(x, dim=1), [("n", (2, 5, 3))]),
    ("softmax no dim", lambda F, x: F.softmax(x), [("n", (2, 5, 3))]),
    ("log_softmax", lambda F, x: F.log_softmax(x, dim=-1), [("n", (2, 5))]),
    ("linear", lambda F, x, w, b: F.linear(x, w, b), [("n", (2, 3, 4)), ("n", (5, 4)), ("n", (5,))]),
    ("embedding", lambda F, i, w: F.embedding(i, w), [("i", (2, 5), 6), ("n", (6, 3))]),
    ("embedding padding_idx", lambda F, i, w: F.embedding(i, w, padding_idx=1), [("i", (2, 5), 6, 1), ("n", (6, 3))]),
    ("embedding padding_idx -1", lambda F, i, w: F.embedding(i, w, padding_idx=-1), [("i", (4, 5), 6, 5), ("n", (6, 3))]),
    ("layer_norm", lambda F, x, w, b: F.layer_norm(x, (4,), w, b), [("n", (2, 3, 4)), ("n", (4,)), ("n", (4,))]),
    ("rms_norm", lambda F, x, w: F.rms_norm(x, (4,), w, 1e-5), [("n", (2, 3, 4)), ("n", (4,))]),
    ("pad constant", lambda F, x: F.pad(x, (1, 2)), [("n", (2, 3, 4))]),
    ("pad constant value", lambda F, x: F.pad(x, (1, 2, 0, 1), value=0.5), [("n", (2, 3, 4))]),
    ("pad crop", lambda F, x: F.pad(x, (-1, 2)), [("n", (2, 3, 4))]),
    ("pad reflect", lambda F, x: F.pad(x, (2, 1), mode="reflect"), [("n", (2, 3, 4))]),
    ("pad replicate", lambda F, x: F.pad(x, (2, 3), mode="replicate"), [("n", (2, 3, 4))]),
    ("pad circular", lambda F, x: F.pad(x, (2, 1), mode="circular"), [("n", (2, 3, 4))]),
    ("pad reflect 2-d", lambda F, x: F.pad(x, (1, 1, 2, 1), mode="reflect"), [("n", (1, 2, 4, 4))]),
    ("normalize", lambda F, x: F.normalize(x), [("n", (3, 4))]),
    ("normalize p=1 dim=-1", lambda F, x: F.normalize(x, p=1, dim=-1), [("n", (3, 4))]),
    ("normalize p=3", lambda F, x: F.normalize(x, p=3.0, dim=0), [("n", (3, 4))]),
    ("normalize zero row", lambda F, x: F.normalize(x * (x > -10) * 0), [("n", (3, 4))]),
    ("cosine_similarity", lambda F, a, b: F.cosine_similarity(a, b), [("n", (3, 4)), ("n", (3, 4))]),
    ("cosine_similarity broadcast", lambda F, a, b: F.cosine_similarity(a, b, dim=-1),
     [("n", (2, 3, 4)), ("n", (3, 4))]),
    ("conv1d", lambda F, x, w, b: F.conv1d(x, w, b), [("n", (2, 3, 7)), ("n", (4, 3, 3)), ("n", (4,))]),
    ("conv1d no bias unbatched", lambda F, x, w: F.conv1d(x, w), [("n", (3, 7)), ("n", (4, 3, 3))]),
    ("conv1d stride padding", lambda F, x, w, b: F.conv1d(x, w, b, stride=2, padding=2),
     [("n", (2, 3, 9)), ("n", (4, 3, 3)), ("n", (4,))]),
    ("conv1d dilation", lambda F, x, w: F.conv1d(x, w, dilation=2, padding=1), [("n", (2, 3, 9)), ("n", (2, 3, 3))]),
    ("conv1d groups", lambda F, x, w, b: F.conv1d(x, w, b, groups=2), [("n", (2, 4, 6)), ("n", (6, 2, 2)), ("n", (6,))]),
    ("conv1d depthwise causal", lambda F, x, w, b: F.conv1d(x, w, b, padding=3, groups=4)[..., :6],
     [("n", (2, 4, 6)), ("n", (4, 1, 4)), ("n", (4,))]),
    ("conv1d same", lambda F, x, w: F.conv1d(x, w, padding="same"), [("n", (2, 3, 6)), ("n", (2, 3, 4))]),
    ("conv1d same dilated", lambda F, x, w: F.conv1d(x, w, padding="same", dilation=3),
     [("n", (2, 3, 8)), ("n", (2, 3, 3))]),
    ("conv1d valid", lambda F, x, w: F.conv1d(x, w, padding="valid"), [("n", (2, 3, 6)), ("n", (2, 3, 4))]),
    ("sdpa", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v),
     [("n", (2, 3, 4)), ("n", (2, 5, 4)), ("n", (2, 5, 3))]),
    ("sdpa causal", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
     [("n", (2, 2, 4, 3)), ("n", (2, 2, 4, 3)), ("n", (2, 2, 4, 3))]),
    ("sdpa causal L<S", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
     [("n", (2, 3, 4)), ("n", (2, 5, 4)), ("n", (2, 5, 3))]),
    ("sdpa bool mask", lambda F, q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
     [("n", (2, 3, 4)), ("n", (2, 5, 4)), ("n", (2, 5, 3)), ("b", (3, 5))]),
    ("sdpa float mask", lambda F, q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
     [("n", (2, 3, 4)), ("n", (2, 5, 4)), ("n", (2, 5, 3)), ("n", (2, 3, 5))]),
    ("sdpa scale", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v, scale=0.3),
     [("n", (2, 3, 4)), ("n", (2, 5, 4)), ("n", (2, 5, 3))]),
    ("sdpa fully masked row", lambda F, q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
     [("n", (1, 3, 4)), ("n", (1, 5, 4)), ("n", (1, 5, 3)), ("b", (3, 5), 1)]),
    ("nll_loss", lambda F, x, t: F.nll_loss(x, t), [("n", (5, 3)), ("i", (5,), 3)]),
    ("nll_loss 3-d weight", lambda F, x, t, w: F.nll_loss(x, t, w.abs()), [("n", (2, 3, 4)), ("i", (2, 4), 3), ("c", (3,))]),
    ("binary_cross_entropy weight", lambda F, p, y, w: F.binary_cross_entropy(p, y, w), [("u", (3, 4)), ("u", (3, 4)), ("c", (4,))]),
    ("bce_with_logits pos_weight", lambda F, x, y, q: F.binary_cross_entropy_with_logits(x, y, pos_weight=q.abs()),
     [("n", (3, 4)), ("u", (3, 4)), ("c", (4,))]),
    ("bce_with_logits weight pos_weight", lambda F, x, y, w, q: F.binary_cross_entropy_with_logits(
        x * 30, y, w, pos_weight=q.abs()), [("n", (3, 4)), ("u", (3, 4)), ("c", (3, 1)), ("c", (4,))]),
    ("kl_div batchmean", lambda F, x, y: F.kl_div(F.log_softmax(x, dim=1), F.softmax(y, dim=1), reduction="batchmean"),
     [("n", (3, 4)), ("n", (3, 4))]),
    ("kl_div zero target", lambda F, x, y: F.kl_div(x, y * (y > 0.5), reduction="sum"), [("n", (3, 4)), ("p", (3, 4))]),
    ("kl_div log_target", lambda F, x, y: F.kl_div(x, y, log_target=True, reduction="sum"), [("n", (3, 4)), ("n", (3, 4))]),
    ("smooth_l1 beta 0", lambda F, x, y: F.smooth_l1_loss(x, y, beta=0.0), [("n", (3, 4)), ("n", (3, 4))]),
    ("huber delta 0.5", lambda F, x, y: F.huber_loss(x, y, delta=0.5, reduction="sum"), [("n", (3, 4)), ("n", (3, 4))]),
]

# every loss in every reduction
for r in R:
    ROWS += [
        (f"cross_entropy {r}", lambda F, x, t, r=r: F.cross_entropy(x, t, reduction=r), [("n", (5, 3)), ("i", (5,), 3)]),
        (f"cross_entropy ignore_index {r}", lambda F, x, t, r=r: F.cross_entropy(x, t, reduction=r),
         [("n", (6, 3)), ("i", (6,), 3, -100)]),
        (f"cross_entropy weight {r}", lambda F, x, t, w, r=r: F.cross_entropy(x, t, w.abs(), reduction=r),
         [("n", (5, 3)), ("i", (5,), 3), ("c", (3,))]),
        (f"cross_entropy weight ignore_index 3-d {r}", lambda F, x, t, w, r=r: F.cross_entropy(
            x, t, w.abs(), ignore_index=1, reduction=r), [("n", (2, 3, 4)), ("i", (2, 4), 3, 1), ("c", (3,))]),
        (f"cross_entropy label_smoothing {r}", lambda F, x, t, r=r: F.cross_entropy(
            x, t, label_smoothing=0.1, reduction=r), [("n", (5, 3)), ("i", (5,), 3)]),
        (f"cross_entropy label_smoothing weight ignore {r}", lambda F, x, t, w, r=r: F.cross_entropy(
            x, t, w.abs(), ignore_index=2, label_smoothing=0.2, reduction=r), [("n", (2, 3, 4)), ("i", (2, 4), 3, 2), ("c", (3,))]),
        (f"cross_entropy probabilities {r}", lambda F, x, p, r=r: F.cross_entropy(x, F.softmax(p, dim=1), reduction=r),
         [("n", (2, 3, 4)), ("n", (2, 3, 4))]),
        (f"cross_entropy probabilities weight smoothing {r}", lambda F, x, p, w, r=r: F.cross_entropy(
            x, F.softmax(p, dim=1), w.abs(), label_smoothing=0.3, reduction=r), [("n", (4, 3)), ("n", (4, 3)), ("c", (3,))]),
        (f"cross_entropy unbatched {r}", lambda F, x, t, r=r: F.cross_entropy(x, t[0], reduction=r), [("n", (3,)), ("i", (1,), 3)]),
        (f"nll_loss ignore_index {r}", lambda F, x, t, r=r: F.nll_loss(F.log_softmax(x, dim=1), t, ignore_index=0, reduction=r),
         [("n", (5, 3)), ("i", (5,), 3, 0)]),
        (f"mse_loss {r}", lambda F, x, y, r=r: F.mse_loss(x, y, reduction=r), [("n", (3, 4)), ("n", (3, 4))]),
        (f"l1_loss {r}", lambda F, x, y, r=r: F.l1_loss(x, y, reduction=r), [("n", (3, 4)), ("n", (3, 4))]),
        (f"smooth_l1_loss {r}", lambda F, x, y, r=r: F.smooth_l1_loss(x, y, reduction=r, beta=0.7), [("n", (3, 4)), ("n", (3, 4))]),
        (f"huber_loss {r}", lambda F, x, y, r=r: F.huber_loss(x, y, reduction=r, delta=1.3), [("n", (3, 4)), ("n", (3, 4))]),
        (f"binary_cross_entropy {r}", lambda F, p, y, r=r: F.binary_cross_entropy(p, y, reduction=r), [("u", (3, 4)), ("u", (3, 4))]),
        (f"bce_with_logits {r}", lambda F, x, y, r=r: F.binary_cross_entropy_with_logits(x, y, reduction=r),
         [("n", (3, 4)), ("u", (3, 4))]),
        (f"bce_with_logits weight {r}", lambda F, x, y, w, r=r: F.binary_cross_entropy_with_logits(x, y, w, reduction=r),
         [("n", (3, 4)), ("u", (3, 4)), ("c", (4,))]),
        (f"kl_div {r}", lambda F, x, y, r=r: F.kl_div(x, y, reduction=r), [("n", (3, 4)), ("u", (3, 4))]),
    ]

IDS = [r[0] for r in ROWS]
