#!/usr/bin/python3
"""PyTorch CPU twins of the zoo's models, for the side-by-side benchmark (`bench-torch`).

Run with Debian's python3-torch (/usr/bin/python3, torch 1.13) and OpenBLAS (Debian's libopenblas0-pthread: without
it torch's products fall back to the reference BLAS, libblas3, several times slower, and the script warns). Each twin has the architecture, loss, batch and
optimiser (Adam) of the zoo model with the example's defaults, Xavier-normal weights and zero biases (DL4J's
WeightInit.XAVIER), and reads the same IDX files with numpy. It trains `--warmup` steps, then `--steps` timed
steps on shuffled minibatches (the uint8 -> float32 conversion of each batch is inside the timed loop, as in the
Java iterator), then reports the test loss in the units the Java side prints:

  autoencoder, denoising, sparse, contractive, conv: reconstruction BCE per pixel on the clean test digits
      (the penalty excluded, as the Java runner's test_loss);
  vae: test -ELBO in nats per digit, one latent sample per digit.

The training objective is DL4J's: XENT summed over the 784 pixels and averaged over the batch, plus the penalty
as the zoo defines it. Output: one line `RESULT {json}` with examples_per_second, seconds, test_loss,
first_step_epoch_ms (wall clock when the first training step started), peak_rss_mb (VmHWM) and the settings.

Usage: /usr/bin/python3 examples/scripts/torch_twins.py --model convolutional-autoencoder --steps 200 --warmup 20 --batch 128 --threads 2
  rbm: mean squared error of the mean-field reconstruction of the test digits (the zoo's reconstructionError);
  gan: the discriminator's mean BCE on the test digits (target 1) and as many fresh fakes (target 0).

The Java side passes the RBM's and the GAN's own batch (10, 64) and rate (0.1, 2e-4) and as many steps as make the
same number of digits. To add a twin: a builder in MODELS returning (module, loss(x) -> scalar tensor,
test_loss(module, x_test) -> float) for one Adam over the module, or a Twin with its own step, named as the Java
runner names the model.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def xavier(module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_normal_(m.weight)
            nn.init.zeros_(m.bias)
    return module


def bce_sum(logits, x):
    """DL4J's XENT on a sigmoid output: summed over pixels, averaged over the batch."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]


def mlp(sizes, code_act=nn.ReLU, hidden_act=nn.ReLU):
    """Dense encoder/decoder of `sizes` (input first, reconstruction last); the last layer gives logits."""
    layers = []
    code_index = (len(sizes) - 1) // 2  # index of the code layer's output in sizes
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(code_act() if i + 1 == code_index else hidden_act())
    return nn.Sequential(*layers)


def recon_test(model, x):
    with torch.no_grad():
        total = 0.0
        for i in range(0, x.shape[0], 1000):
            xb = x[i:i + 1000]
            total += F.binary_cross_entropy_with_logits(model(xb), xb, reduction="sum").item()
        return total / x.numel()


def build_autoencoder(args):
    model = xavier(mlp([784, 128, 64, 32, 64, 128, 784]))
    return model, lambda x: bce_sum(model(x), x), recon_test


def build_denoising(args):
    model = xavier(mlp([784, 256, 64, 256, 784]))

    def loss(x):  # GaussianCorruption(0.5, clip) on the first layer's input, clean targets
        noisy = (x + 0.5 * torch.randn_like(x)).clamp_(0.0, 1.0)
        return bce_sum(model(noisy), x)

    return model, loss, recon_test


class Sparse(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 1024)
        self.dec = nn.Linear(1024, 784)

    def forward(self, x):
        return self.dec(torch.sigmoid(self.enc(x)))


def build_sparse(args, rho=0.05, beta=3.0):
    model = xavier(Sparse())

    def loss(x):  # KLSparsityPenalty: beta * sum_j KL(rho || mean_b h_bj), once per batch
        h = torch.sigmoid(model.enc(x))
        q = h.mean(0).clamp(1e-7, 1 - 1e-7)
        kl = rho * torch.log(rho / q) + (1 - rho) * torch.log((1 - rho) / (1 - q))
        return bce_sum(model.dec(h), x) + beta * kl.sum()

    return model, loss, recon_test


class Contractive(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 512)
        self.dec = nn.Linear(512, 784)

    def forward(self, x):
        return self.dec(torch.sigmoid(self.enc(x)))


def build_contractive(args, lam=1.0):
    model = xavier(Contractive())

    def loss(x):  # ContractiveDenseLayer + L1 head: lambda * mean_b sum_j (h(1-h))_bj^2 ||W_j||^2
        h = torch.sigmoid(model.enc(x))
        dh = h * (1 - h)
        jac = (dh * dh) @ (model.enc.weight * model.enc.weight).sum(1)
        return bce_sum(model.dec(h), x) + lam * jac.sum() / x.shape[0]

    return model, loss, recon_test


class ConvAE(nn.Module):
    """1x28x28 -> conv3x3/2 (16) -> conv3x3/2 (32) -> dense 64 -> dense 1568 -> deconv3x3/2 (16) -> deconv3x3/2 (1),
    ReLU, 'same' padding as DL4J's ConvolutionMode.Same."""

    def __init__(self, upsampling=False):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.code = nn.Linear(32 * 7 * 7, 64)
        self.dense = nn.Linear(64, 32 * 7 * 7)
        self.upsampling = upsampling
        if upsampling:
            self.d1 = nn.Conv2d(32, 16, 3, padding=1)
            self.d2 = nn.Conv2d(16, 1, 3, padding=1)
        else:
            self.d1 = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
            self.d2 = nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        h = F.relu(self.c2(F.relu(self.c1(x))))
        h = F.relu(self.dense(F.relu(self.code(h.flatten(1))))).view(-1, 32, 7, 7)
        if self.upsampling:
            h = F.relu(self.d1(F.interpolate(h, scale_factor=2, mode="nearest")))
            return self.d2(F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.d2(F.relu(self.d1(h)))


def build_conv(args):
    model = xavier(ConvAE(args.decoder == "upsampling"))

    def loss(x):
        return bce_sum(model(x), x)

    def test(m, x):
        return recon_test(m, x)

    return model, loss, test


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 400)
        self.zp = nn.Linear(400, 40)
        self.dec = nn.Linear(20, 400)
        self.out = nn.Linear(400, 784)

    def neg_elbo(self, x, eps):
        """Per-example reconstruction (nats) and KL."""
        p = self.zp(F.relu(self.enc(x)))
        mu, logvar = p[:, :20], p[:, 20:]
        z = mu + torch.exp(0.5 * logvar) * eps
        logits = self.out(F.relu(self.dec(z)))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = -0.5 * (1 + logvar - mu * mu - logvar.exp()).sum(1)
        return rec, kl


def build_vae(args):
    model = xavier(Vae())

    def loss(x):
        rec, kl = model.neg_elbo(x, torch.randn(x.shape[0], 20))
        return (rec + kl).mean()

    def test(m, x):
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():
            total = 0.0
            for i in range(0, x.shape[0], 1000):
                xb = x[i:i + 1000]
                rec, kl = m.neg_elbo(xb, torch.randn(xb.shape[0], 20, generator=g))
                total += (rec + kl).sum().item()
            return total / x.shape[0]

    return model, loss, test


class Twin:
    """A twin with its own training step (no single loss for one Adam): step(x) -> loss tensor, test(x) -> float."""

    def __init__(self, module, step, test):
        self.module = module
        self.step = step
        self.test = test


def build_rbm(args, hidden=256):
    """scikit-learn's BernoulliRBM algorithm (the zoo's `train rbm` defaults): PCD-1 on a persistent chain of one
    particle per example started at v ~ p(v | h = 0), SGD with args.lr (0.1) on the batch mean of
    <v h>_data - <v h>_model, weights N(0, 0.01^2), biases 0, grey levels as probabilities."""
    gen = torch.Generator().manual_seed(args.seed)
    w = torch.randn(784, hidden, generator=gen) * 0.01
    b = torch.zeros(784)
    c = torch.zeros(hidden)
    chain = [None]

    def step(v):
        with torch.no_grad():
            n = v.shape[0]
            if chain[0] is None:
                chain[0] = torch.bernoulli(torch.sigmoid(b).expand(n, 784).contiguous())
            h = torch.bernoulli(torch.sigmoid(torch.addmm(c, chain[0], w)))
            chain[0] = torch.bernoulli(torch.sigmoid(torch.addmm(b, h, w.t())))
            hp = torch.sigmoid(torch.addmm(c, v, w))
            hn = torch.sigmoid(torch.addmm(c, chain[0], w))
            rate = args.lr / n
            w.addmm_(v.t(), hp, alpha=rate).addmm_(chain[0].t(), hn, alpha=-rate)
            b.add_(v.sum(0) - chain[0].sum(0), alpha=rate)
            c.add_(hp.sum(0) - hn.sum(0), alpha=rate)
            return torch.zeros(())

    def test(module, x):  # mean-field reconstruction error per pixel, as RbmParams.reconstructionError
        with torch.no_grad():
            r = torch.sigmoid(torch.addmm(b, torch.sigmoid(torch.addmm(c, x, w)), w.t()))
            return float(((r - x) ** 2).mean())

    return Twin(nn.Module(), step, test)


def build_gan(args, noise=100):
    """The zoo's MLP GAN (`train mlp-gan` defaults): G 100-256-512-784 (leaky ReLU 0.2, tanh), D 784-512-256-1
    (leaky ReLU 0.2, logit), Adam(lr, beta1 0.5) each, per round one D step on b real digits (scaled to [-1, 1]) and b
    fakes and one non-saturating G step on b fresh fakes, D's parameters not trained (no weight gradients) in G's."""
    g = xavier(nn.Sequential(nn.Linear(noise, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.LeakyReLU(0.2),
                             nn.Linear(512, 784), nn.Tanh()))
    d = xavier(nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2),
                             nn.Linear(256, 1)))
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.5, 0.999), eps=1e-8)
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.5, 0.999), eps=1e-8)

    def step(x):
        n = x.shape[0]
        with torch.no_grad():
            fake = g(torch.randn(n, noise))
        logits = d(torch.cat([x * 2 - 1, fake]))
        target = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)])
        loss_d = F.binary_cross_entropy_with_logits(logits, target)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        for p in d.parameters():
            p.requires_grad_(False)
        loss_g = F.binary_cross_entropy_with_logits(d(g(torch.randn(n, noise))), torch.ones(n, 1))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for p in d.parameters():
            p.requires_grad_(True)
        return loss_d

    def test(module, x):  # D's mean BCE on the test digits (target 1) and as many fakes (target 0)
        gen = torch.Generator().manual_seed(7)
        with torch.no_grad():
            fake = g(torch.randn(x.shape[0], noise, generator=gen))
            real_loss = F.softplus(-d(x * 2 - 1)).sum()
            fake_loss = F.softplus(d(fake)).sum()
            return float((real_loss + fake_loss) / (2 * x.shape[0]))

    return Twin(nn.ModuleList([g, d]), step, test)


def dl4j_xavier_(weight, fan_in, fan_out):
    """DL4J's WeightInit.XAVIER: N(0, 2 / (fanIn + fanOut)), with DL4J's fans (a (transposed) convolution's fanOut
    is nOut kH kW / (sH sW))."""
    with torch.no_grad():
        weight.normal_(0.0, (2.0 / (fan_in + fan_out)) ** 0.5)


class SameConv2d(nn.Module):
    """DL4J's ConvolutionLayer in ConvolutionMode.Same (NCHW): output ceil(in / s), the padding split as
    TensorFlow's (the extra row and column at the bottom and right)."""

    def __init__(self, c_in, c_out, k, s):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, s)
        self.k, self.s = k, s
        dl4j_xavier_(self.conv.weight, c_in * k * k, c_out * k * k / (s * s))
        nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        h = x.shape[2]
        o = -(-h // self.s)
        total = max(0, (o - 1) * self.s + self.k - h)
        top = total // 2
        return self.conv(F.pad(x, (top, total - top, top, total - top)))


class SameDeconv2d(nn.Module):
    """DL4J's Deconvolution2D in ConvolutionMode.Same (NCHW, as the zoo's CachedDeconvolution2D): output in * s,
    top-left padding ((in - 1) s + k - out) / 2 and the rest cropped at the bottom and right; weights
    [C_in, C_out, kH, kW], as PyTorch's ConvTranspose2d."""

    def __init__(self, c_in, c_out, k, s):
        super().__init__()
        self.s, self.k = s, k
        self.pad = (k - s) // 2  # ((i - 1) s + k - i s) / 2, the same for every input size i
        self.deconv = nn.ConvTranspose2d(c_in, c_out, k, s, padding=self.pad)
        dl4j_xavier_(self.deconv.weight, c_in * k * k, c_out * k * k / (s * s))
        nn.init.zeros_(self.deconv.bias)

    def forward(self, x):
        o = x.shape[2] * self.s
        return self.deconv(x)[:, :, :o, :o]


def build_dcgan(args, noise=100, filters=(32, 64), k=5):
    """The zoo's DCGAN (`train dcgan` defaults, Dcgan.java): G dense 100 -> 64*7*7 (identity), batch norm
    over the 3,136 features + ReLU, reshape [64, 7, 7], transposed conv 5x5/2 "same" -> 32 (identity), batch norm
    (per channel) + ReLU, transposed conv 5x5/2 "same" -> 1, tanh; D conv 5x5/2 "same" 32, leaky ReLU 0.2, conv
    5x5/2 "same" 64, leaky ReLU 0.2, dense 3,136 -> 1 (logit). DL4J's Xavier weights, zero biases, batch norm
    gamma 1 beta 0, eps 1e-5, decay 0.9 (momentum 0.1). Adam(lr, beta1 0.5) on every parameter of G and of D
    (batch norm's gamma and beta included). Step order as GanTrainer: one D step on b real digits in [-1, 1] and b
    fakes of G in training mode (one batch, mean BCE over 2b), then one non-saturating G step on b fresh fakes
    through D (D's parameters untouched). The last step's D(x), D(G(z)) (means of D's first pass) are in `stats`.
    `--generator-activation identity` drops G's two ReLUs: the zoo's DCGAN before the fix of 2026-12-05, whose ReLU
    was set on DL4J's BatchNormalization, which ignores it."""
    f1, f2 = args.g_filters or filters  # G's widths: [f1, f2] read as the zoo's (G mirrors them)
    d1, d2 = args.d_filters or (f1, f2)
    act = nn.ReLU if args.generator_activation == "relu" else nn.Identity
    k_info = args.info_categories  # InfoGAN's categorical code: G reads [z, c], D's head Q predicts c (0: off)
    lin = nn.Linear(noise + k_info, f2 * 7 * 7)
    dl4j_xavier_(lin.weight, noise + k_info, f2 * 7 * 7)
    nn.init.zeros_(lin.bias)
    g = nn.Sequential(lin, nn.BatchNorm1d(f2 * 7 * 7, eps=1e-5, momentum=0.1), act(),
                      nn.Unflatten(1, (f2, 7, 7)),
                      SameDeconv2d(f2, f1, k, 2), nn.BatchNorm2d(f1, eps=1e-5, momentum=0.1), act(),
                      SameDeconv2d(f1, 1, k, 2), nn.Tanh())
    logit = nn.Linear(d2 * 7 * 7, 1)
    dl4j_xavier_(logit.weight, d2 * 7 * 7, 1)
    nn.init.zeros_(logit.bias)
    features = nn.Sequential(SameConv2d(1, d1, k, 2), nn.LeakyReLU(0.2), SameConv2d(d1, d2, k, 2),
                             nn.LeakyReLU(0.2), nn.Flatten())
    q_head = None
    if k_info:  # created only with the code, so that the plain twin draws the same random numbers as before it
        q_head = nn.Linear(d2 * 7 * 7, k_info)
        dl4j_xavier_(q_head.weight, d2 * 7 * 7, k_info)
        nn.init.zeros_(q_head.bias)

    class D(nn.Module):
        def __init__(self):
            super().__init__()
            self.features, self.logit, self.q = features, logit, q_head

        def forward(self, x, with_q=False):
            h = self.features(x)
            return (self.logit(h), self.q(h) if self.q is not None else None) if with_q else self.logit(h)

    d = D()
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.5, 0.999), eps=1e-8)
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.5, 0.999), eps=1e-8)
    stats = {}

    def latent(n, gen=None):
        z = torch.randn(n, noise, generator=gen)
        if not k_info:
            return z, None
        c = torch.randint(0, k_info, (n,), generator=gen)
        return torch.cat([z, F.one_hot(c, k_info).float()], 1), c

    def step(x):
        n = x.shape[0]
        g.train()
        zc, c = latent(n)
        with torch.no_grad():
            fake = g(zc)
        logits, q = d(torch.cat([x * 2 - 1, fake]), with_q=True)
        target = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)])
        loss_d = F.binary_cross_entropy_with_logits(logits, target)
        if k_info:  # Q learns the code of G's samples only (mean over all 2n rows, as the zoo's masked head)
            loss_d = loss_d + args.info_weight * F.cross_entropy(q[n:], c) / 2
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        with torch.no_grad():
            p = torch.sigmoid(logits)
            stats["d_real"] = float(p[:n].mean())
            stats["d_fake"] = float(p[n:].mean())
            stats["loss_d"] = 2 * float(loss_d)  # L(real) + L(fake), as GanTrainer's lossD
        for q in d.parameters():
            q.requires_grad_(False)
        zc, c = latent(n)
        logits, q = d(g(zc), with_q=True)
        loss_g = F.binary_cross_entropy_with_logits(logits, torch.ones(n, 1))
        if k_info:
            loss_g = loss_g + args.info_weight * F.cross_entropy(q, c)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for q in d.parameters():
            q.requires_grad_(True)
        stats["loss_g"] = float(loss_g)
        return loss_d

    def test(module, x):  # D's mean BCE on the test digits (target 1) and as many fakes (target 0)
        gen = torch.Generator().manual_seed(7)
        with torch.no_grad():
            fake = g(latent(x.shape[0], gen)[0])
            real_loss = F.softplus(-d(x * 2 - 1)).sum()
            fake_loss = F.softplus(d(fake)).sum()
            return float((real_loss + fake_loss) / (2 * x.shape[0]))

    twin = Twin(nn.ModuleList([g, d]), step, test)
    twin.generator, twin.noise, twin.stats = g, noise, stats
    twin.latent = latent
    return twin


MODELS = {
    "rbm": build_rbm,
    "mlp-gan": build_gan,
    "dcgan": build_dcgan,
    "undercomplete-autoencoder": build_autoencoder,
    "denoising-autoencoder": build_denoising,
    "sparse-autoencoder": build_sparse,
    "contractive-autoencoder": build_contractive,
    "convolutional-autoencoder": build_conv,
    "variational-autoencoder": build_vae,
}
IMAGE_MODELS = {"convolutional-autoencoder", "dcgan"}


def write_samples(built, args, path, train_mode_too=False):
    """args.samples digits of the twin's G as float32 [n, 784] in [0, 1]: G in inference mode (running batch-norm
    statistics) to path, and with train_mode_too in training mode (batch statistics) to path.train."""
    gen = torch.Generator().manual_seed(args.seed + 1)
    z = built.latent(args.samples, gen)[0] if hasattr(built, "latent") else torch.randn(args.samples, built.noise,
                                                                                         generator=gen)
    with torch.no_grad():
        for mode, out_path in (("eval", path), ("train", path + ".train"))[:2 if train_mode_too else 1]:
            built.generator.train(mode == "train")
            out = torch.cat([built.generator(z[i:i + 500]) for i in range(0, args.samples, 500)])
            ((out.reshape(args.samples, 784) + 1) / 2).numpy().astype(np.float32).tofile(out_path)
    built.generator.eval()


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


GENERIC_OPENBLAS_CORES = {"Prescott", "Katmai", "Coppermine", "Northwood", "Banias", "Core2", "Penryn", "Dunnington",
                          "Atom"}


def openblas_cores():
    """The kernel sets (openblas_get_corename) of every OpenBLAS mapped into this process; empty when none is."""
    import ctypes
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "/libopenblas" in line:
                paths.add(line[line.index("/"):].strip())
    cores = set()
    for path in paths:
        f = ctypes.CDLL(path).openblas_get_corename
        f.restype = ctypes.c_char_p
        cores.add(f().decode())
    return cores


def warn_reference_blas():
    """Warns on stderr when torch's matrix products run on the reference BLAS (Debian's libblas3, 1.9 GFLOPS on one
    core here) or on OpenBLAS's generic SSE3 kernels (about 8 GFLOPS on a CPU its build does not know) rather than
    OpenBLAS's vector kernels (30-100 GFLOPS): the twin would then be handicapped. Read from the libraries, not
    timed, so a loaded machine does not raise it."""
    a = torch.randn(256, 256)
    a @ a  # BLAS loaded
    try:
        cores = openblas_cores()
    except OSError:
        return  # no /proc (not Linux): nothing to say
    if not cores:
        print("torch_twins: WARNING: no OpenBLAS in this process: torch's products run on another BLAS (Debian's"
              " reference libblas3 is 40x slower: install libopenblas0-pthread for a fair twin)", file=sys.stderr)
    elif cores & GENERIC_OPENBLAS_CORES:
        print(f"torch_twins: WARNING: OpenBLAS runs its generic kernels ({', '.join(sorted(cores))}), as on a CPU its"
              " build does not know: set OPENBLAS_CORETYPE (SKYLAKEX with AVX-512, HASWELL with AVX2) for a fair"
              " twin", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--decoder", default="transposed", choices=["transposed", "upsampling"])
    p.add_argument("--prefetch", type=int, default=1, choices=[0, 1],
                   help="1: minibatches are drawn and converted on a second thread, ahead of the step, as the Java"
                        " side prefetches them (fit's AsyncMultiDataSetIterator); 0: inside the timed loop")
    p.add_argument("--data-dir", default=os.path.expanduser("~/.unsupervised-zoo/data/mnist"))
    p.add_argument("--log-every", type=int, default=0,
                   help="GAN twins: print the means of D(x), D(G(z)), loss_d, loss_g every n steps (0: never)")
    p.add_argument("--samples-out", default="",
                   help="GAN twins: write --samples generated digits as float32 [n, 784] in [0, 1], G in inference "
                        "mode (running batch-norm statistics) to PATH and in training mode (batch statistics) to "
                        "PATH.train (judge with `java -cp <examples jar> org.unsupervisedzoo.examples.GanJudge`)")
    p.add_argument("--samples", type=int, default=5000)
    p.add_argument("--samples-every", type=int, default=0,
                   help="GAN twins: also write the samples (inference mode) every n steps to PATH.step<n>")
    p.add_argument("--generator-activation", default="relu", choices=["relu", "identity"],
                   help="dcgan: G's activation after batch norm (identity: the zoo's DCGAN before the ReLU fix)")
    p.add_argument("--info-categories", type=int, default=0,
                   help="dcgan: InfoGAN's categorical code of k values (G reads [z, one-hot c], D's head Q predicts c"
                        " of G's samples, both minimise its cross-entropy); 0: off")
    p.add_argument("--info-weight", type=float, default=1.0, help="dcgan: the weight of Q's cross-entropy")
    p.add_argument("--g-filters", type=lambda v: tuple(int(x) for x in v.split(",")), default=None,
                   help="dcgan: G's two widths as the zoo's --generator-filters lists them (default 32,64)")
    p.add_argument("--d-filters", type=lambda v: tuple(int(x) for x in v.split(",")), default=None,
                   help="dcgan: D's two convolutions' widths (default: G's)")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    warn_reference_blas()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train = read_idx(os.path.join(args.data_dir, "train-images-idx3-ubyte")).reshape(-1, 784)
    test = read_idx(os.path.join(args.data_dir, "t10k-images-idx3-ubyte")).reshape(-1, 784)
    image = args.model in IMAGE_MODELS
    shape = (-1, 1, 28, 28) if image else (-1, 784)

    built = MODELS[args.model](args)
    if isinstance(built, Twin):
        model, test_fn, opt = built.module, built.test, None
    else:
        model, loss_fn, test_fn = built
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    order = rng.permutation(train.shape[0])
    cursor = [0]

    def make_batch():
        nonlocal order
        if cursor[0] + args.batch > train.shape[0]:
            order = rng.permutation(train.shape[0])
            cursor[0] = 0
        idx = order[cursor[0]:cursor[0] + args.batch]
        cursor[0] += args.batch
        return torch.from_numpy(train[idx].astype(np.float32) / 255.0).view(shape)

    batch = make_batch
    if args.prefetch:  # the same batches in the same order, prepared ahead on a daemon thread (queue of 2)
        import queue
        import threading
        ready = queue.Queue(maxsize=2)

        def produce():
            while True:
                ready.put(make_batch())

        threading.Thread(target=produce, daemon=True).start()
        batch = ready.get

    def step():
        x = batch()
        if opt is None:
            return built.step(x)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(x)
        loss.backward()
        opt.step()
        return loss

    first_step_ms = time.time() * 1000.0
    model.train()
    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    sums, count = {}, 0
    stats = getattr(built, "stats", None)
    for i in range(args.steps):
        last = step()
        if stats is not None and args.log_every > 0:
            for key, v in stats.items():
                sums[key] = sums.get(key, 0.0) + v
            count += 1
            if (i + 1) % args.log_every == 0:
                print("step %d  %s  elapsed %.1fs" % (args.warmup + i + 1, "  ".join(
                    "%s %.4f" % (key, v / count) for key, v in sums.items()), time.perf_counter() - t0), flush=True)
                sums, count = {}, 0
        if args.samples_every > 0 and (i + 1) % args.samples_every == 0 and args.samples_out:
            write_samples(built, args, "%s.step%d" % (args.samples_out, args.warmup + i + 1))
            built.generator.train()
    seconds = time.perf_counter() - t0
    train_loss = float(last.item())
    model.eval()
    x_test = torch.from_numpy(test.astype(np.float32) / 255.0).view(shape)
    test_loss = test_fn(model, x_test)
    if args.samples_out and hasattr(built, "generator"):
        write_samples(built, args, args.samples_out, train_mode_too=True)
    result = {
        "side": "torch", "model": args.model, "steps": args.steps, "warmup": args.warmup, "batch": args.batch,
        "threads": args.threads, "prefetch": args.prefetch, "seconds": seconds, "examples_per_second": args.steps * args.batch / seconds,
        "train_loss": train_loss, "test_loss": test_loss, "first_step_epoch_ms": first_step_ms,
        "peak_rss_mb": peak_rss_mb(), "torch": torch.__version__,
    }
    print("RESULT " + json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
