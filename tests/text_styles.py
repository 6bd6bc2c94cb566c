# ruff: noqa: UP031, E501  (the formats are kept as their sources write them)
"""The reading corpus: line formats of real public training code, written out as logs.

Each entry holds the format of one real print or logger call (the repository and file it
is in are in `source`), used here to write a small log of at least three epochs with known
values: the counter restarts every epoch where the original's does. `expected` says what
the reader must give for each printed point: (step, epoch from 0, loss).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

BAR = "\u2588" * 10


@dataclass(frozen=True)
class LineFormat:
    """One real format, and how its counter maps to a global step."""

    name: str
    source: str  # repository: file of the print statement / logger
    line: Callable[[int, int, float], str]  # (printed epoch, printed counter, loss) -> line
    counters: tuple[int, ...]  # the counter values printed in each epoch
    step: Callable[[int, int], int]  # (epoch from 0, printed counter) -> global step
    epochs: tuple[int, ...] = (1, 2, 3)  # as printed
    header: Callable[[int], str] | None = None  # an epoch header line, when there is one
    digits: int = 4  # decimals the loss is printed with (values are drawn at that precision)
    low: float = 0.2
    high: float = 3.0
    extra: tuple[str, ...] = ()  # lines between epochs (evaluation, warnings)
    joiner: str = "\n"  # "\r" for progress bars redrawn on one line
    value: Callable[[float], float] = field(default=lambda v: v)  # printed value -> loss

    def write(self, seed: int = 0) -> tuple[str, list[tuple[int, int, float]]]:
        """The log text and the expected (step, epoch from 0, loss) of each point."""
        rng = random.Random(seed)
        base = 0 if 0 in self.epochs else 1
        out: list[str] = []
        want: list[tuple[int, int, float]] = []
        for e in self.epochs:
            if self.header:
                out.append(self.header(e))
            records = []
            for c in self.counters:
                v = round(rng.uniform(self.low, self.high), self.digits)
                records.append(self.line(e, c, v))
                want.append((self.step(e - base, c), e - base, self.value(v)))
            out.append(self.joiner.join(records))
            out.extend(self.extra)
        return "\n".join(out) + "\n", want


def _every(k: int, n: int, start: int = 0) -> tuple[int, ...]:
    return tuple(range(start, n + (1 if start else 0), k))


def _yolo_loss(v: float) -> tuple[float, float, float]:
    """Three YOLO loss columns (box, obj/cls, cls/dfl) that add up to about v."""
    a = round(v * 0.5, 5)
    b = round(v * 0.3, 5)
    return a, b, round(v - a - b, 5)


def _yolo_sum(v: float) -> float:
    """What the reader must give: the sum of the three columns as printed (%.4g)."""
    return sum(float("%.4g" % p) for p in _yolo_loss(v))


FORMATS: tuple[LineFormat, ...] = (
    LineFormat(
        "pytorch-examples mnist", "pytorch/examples: mnist/main.py",
        lambda e, c, v: f"Train Epoch: {e} [{c * 64}/{60000} ({100.0 * c / 938:.0f}%)]\tLoss: {v:.6f}",
        _every(10, 930), lambda e, c: e * 60000 + c * 64, digits=6,
        extra=("", "Test set: Average loss: 0.0512, Accuracy: 9843/10000 (98%)", "")),
    LineFormat(
        "pytorch-examples mnist_hogwild", "pytorch/examples: mnist_hogwild/train.py",
        lambda e, c, v: f"{4242}\tTrain Epoch: {e} [{c * 64}/{60000} ({100.0 * c / 938:.0f}%)]\tLoss: {v:.6f}",
        _every(10, 930), lambda e, c: e * 60000 + c * 64, digits=6),
    LineFormat(
        "pytorch-examples word_language_model",
        "pytorch/examples: word_language_model/main.py",
        lambda e, c, v: (f"| epoch {e:3d} | {c:5d}/{2983:5d} batches | lr {20:02.2f} | ms/batch {45.1:5.2f} | "
                         f"loss {v:5.2f} | ppl {math.exp(v):8.2f}"),
        _every(200, 2983, 200), lambda e, c: e * 2983 + c, digits=2, low=4.0, high=6.0,
        extra=("-" * 89, "| end of epoch   1 | time: 30.00s | valid loss  5.20 | valid ppl "
               "  181.27", "-" * 89)),
    LineFormat(
        "pytorch-examples imagenet ProgressMeter", "pytorch/examples: imagenet/main.py",
        lambda e, c, v: (f"Epoch: [{e}][{c:4d}/{5005}]\tTime  0.123 ( 0.130)\tData  0.010 ( 0.011)\t"
                         f"Loss {v:.4e} ({2.5:.4e})\tAcc@1  45.31 ( 40.12)\tAcc@5  70.31 ( 66.02)"
                         ),
        _every(10, 5005), lambda e, c: e * 5005 + c, epochs=(0, 1, 2), digits=3),
    LineFormat(
        "pytorch-examples super_resolution", "pytorch/examples: super_resolution/main.py",
        lambda e, c, v: f"===> Epoch[{e}]({c}/{25}): Loss: {v:.4f}",
        _every(1, 25, 1), lambda e, c: e * 25 + c,
        extra=("===> Epoch 1 Complete: Avg. Loss: 0.0123", "===> Avg. PSNR: 21.1234 dB")),
    LineFormat(
        "pytorch tutorials quickstart", "pytorch/tutorials: beginner_source/basics/quickstart_tutorial.py",
        lambda e, c, v: f"loss: {v:>7f}  [{c * 64:>5d}/{60000:>5d}]",
        _every(100, 938), lambda e, c: e * 60000 + c * 64, digits=6,
        header=lambda e: f"Epoch {e}\n-------------------------------",
        extra=("Test Error: ", " Accuracy: 70.1%, Avg loss: 0.812345 ", "")),
    LineFormat(
        "pytorch tutorials cifar10", "pytorch/tutorials: beginner_source/blitz/cifar10_tutorial.py",
        lambda e, c, v: f"[{e}, {c:5d}] loss: {v:.3f}",
        _every(1, 40, 1), lambda e, c: e * 40 + c, digits=3),
    LineFormat(
        "loss tensor printed (no .item())", "PyTorch's Tensor repr: a hand-written loop's "
        "print(f'Epoch {epoch}/{epochs}, step {i}, loss: {loss}') of the loss itself",
        lambda e, c, v: (f"Epoch {e}/10, step {c}, loss: tensor({v:.4f}, "
                         "grad_fn=<NllLossBackward0>)"),
        _every(1, 30), lambda e, c: e * 30 + c, epochs=(1, 2, 3)),
    LineFormat(
        "timm train.py", "huggingface/pytorch-image-models: train.py",
        lambda e, c, v: (f"Train: {e} [{c:>4d}/{1251} ({100. * c / 1250:>3.0f}%)]  "
                         f"Loss: {v:#.3g} ({2.5:#.3g})  Time: 0.412s,  621.37/s  "
                         f"(0.420s,  609.12/s)  LR: 1.000e-03  Data: 0.012 (0.015)"),
        _every(50, 1251), lambda e, c: e * 1251 + c, epochs=(0, 1, 2), digits=2, low=2, high=9),
    LineFormat(
        "mmcv 1.x TextLoggerHook", "open-mmlab/mmcv: mmcv/runner/hooks/logger/text.py",
        lambda e, c, v: (f"2021-05-01 12:00:00,000 - mmdet - INFO - Epoch [{e}][{c}/1390]\t"
                         f"lr: 2.000e-02, eta: 1:00:00, time: 0.412, data_time: 0.012, "
                         f"memory: 3512, loss_rpn_cls: 0.0123, loss_bbox: 0.1234, loss: {v:.4f}"),
        _every(50, 1390, 50), lambda e, c: e * 1390 + c),
    LineFormat(
        "mmengine LogProcessor (epoch)", "open-mmlab/mmengine: mmengine/runner/log_processor.py",
        lambda e, c, v: (f"05/01 12:00:00 - mmengine - INFO - Epoch(train)  [{e}][{c:>4d}/1390]  "
                         f"lr: 2.0000e-02  eta: 1:00:00  time: 0.4120  data_time: 0.0120  "
                         f"memory: 3512  loss: {v:.4f}  loss_cls: 0.1234  loss_bbox: 0.0567"),
        _every(50, 1390, 50), lambda e, c: e * 1390 + c),
    LineFormat(
        "detectron2 CommonMetricPrinter", "facebookresearch/detectron2: detectron2/utils/events.py",
        lambda e, c, v: (f"[05/01 12:00:00 d2.utils.events]:  eta: 1:00:00  iter: {c}  "
                         f"total_loss: {v:.3f}  loss_cls: 0.123  loss_box_reg: 0.045  "
                         f"time: 0.4120  data_time: 0.0120  lr: 0.02  max_mem: 3512M"),
        _every(20, 1000, 19), lambda e, c: c, epochs=(1,), digits=3),
    LineFormat(
        "YOLOv5 train.py console", "ultralytics/yolov5: train.py",
        lambda e, c, v: ("%10s" * 2 + "%10.4g" * 5) % (f"{e}/{299}", "3.21G", *_yolo_loss(v), 45,
                                                     640) + f": {100 * c // 120:3d}%|{BAR}| "
                                                     f"{c}/120 [00:30<00:00,  3.95it/s]",
        _every(1, 120, 1), lambda e, c: e * 120 + c, epochs=(0, 1, 2), digits=5, low=0.05,
        high=0.15, joiner="\r", value=_yolo_sum,
        header=lambda e: ("\n" + "%10s" * 7) % ("Epoch", "gpu_mem", "box", "obj", "cls",
                                                "labels", "img_size")),
    LineFormat(
        "YOLOv8 trainer console", "ultralytics/ultralytics: ultralytics/engine/trainer.py",
        lambda e, c, v: ("%11s" * 2 + "%11.4g" * 5) % (f"{e}/{100}", "2.61G", *_yolo_loss(v), 45,
                                                     640) + f": {100 * c // 120:3d}%|{BAR}| "
                                                     f"{c}/120 [00:30<00:00,  3.95it/s]",
        _every(1, 120, 1), lambda e, c: e * 120 + c, digits=3, low=1.0, high=3.0, joiner="\r",
        value=_yolo_sum,
        header=lambda e: ("\n" + "%11s" * 7) % ("Epoch", "GPU_mem", "box_loss", "cls_loss",
                                                "dfl_loss", "Instances", "Size")),
    LineFormat(
        "YOLOv7 train.py console", "WongKinYiu/yolov7: train.py",
        lambda e, c, v: ("%10s" * 2 + "%10.4g" * 6) % (f"{e}/{299}", "3.21G", *_yolo_loss(v), v,
                                                     45, 640) + f": {100 * c // 120:3d}%|{BAR}| "
                                                     f"{c}/120 [00:30<00:00,  3.95it/s]",
        _every(1, 120, 1), lambda e, c: e * 120 + c, epochs=(0, 1, 2), digits=5, low=0.05,
        high=0.15, joiner="\r", value=lambda v: float("%.4g" % v),
        header=lambda e: ("\n" + "%10s" * 8) % ("Epoch", "gpu_mem", "box", "obj", "cls",
                                                "total", "labels", "img_size")),
    LineFormat(
        "open_clip train_one_epoch", "mlfoundations/open_clip: src/training/train.py",
        lambda e, c, v: (f"Train Epoch: {e} [{c * 256:>7}/{2560000} ({100 * c / 10000:.0f}%)] "
                         f"Data (t): 0.012 Batch (t): 0.412, 621.370/s, 155.342/s/gpu "
                         f"LR: 0.000500 Logit Scale: 14.286 Contrastive_loss: {v:#.5g} "
                         f"({2.5:#.5g}) Loss: {v:#.5g} ({2.5:#.5g})"),
        _every(100, 10000, 1), lambda e, c: e * 2560000 + c * 256, epochs=(0, 1, 2), digits=3,
        low=1.0, high=9.0),
    LineFormat(
        "fairseq simple progress bar", "facebookresearch/fairseq: fairseq/logging/progress_bar.py",
        lambda e, c, v: (f"epoch {e:03d}: {c:>6d} / {1891} loss={v:.3f}, nll_loss=11.3, "
                         f"ppl=2520.1, wps=1234, ups=1.2, wpb=3412, bsz=128, "
                         f"num_updates={(e - 1) * 1891 + c}, lr=0.0005, gnorm=1.2, "
                         f"train_wall=12, wall=34"),
        _every(100, 1891, 100), lambda e, c: e * 1891 + c, digits=3),
    LineFormat(
        "fairseq 2018 (pasted)", "facebookresearch/fairseq (0.x): fairseq/progress_bar.py",
        lambda e, c, v: f"| epoch {e:03d} | {c} / 8223 loss={v:.2f} ({4.30:.2f})",
        _every(500, 8223, 500), lambda e, c: e * 8223 + c, digits=2, low=3, high=6),
    LineFormat(
        "OpenNMT-py (2017) trainEpoch", "OpenNMT/OpenNMT-py (0.1): train.py",
        lambda e, c, v: ("Epoch %2d, %5d/%5d; acc: %6.2f; ppl: %6.2f; %3.0f src tok/s; %3.0f tgt "
                         "tok/s; %6.0f s elapsed") % (e, c, 725, 41.2, math.exp(v), 3512, 3401, 12),
        _every(50, 725, 50), lambda e, c: e * 725 + c, digits=2, low=3, high=5,
        value=lambda v: math.log(float("%.2f" % math.exp(v)))),
    LineFormat(
        "OpenNMT-py Statistics.output", "OpenNMT/OpenNMT-py (0.2): onmt/Trainer.py",
        lambda e, c, v: ("Epoch %2d, %5d/%5d; acc: %6.2f; ppl: %6.2f; xent: %6.2f; %3.0f src "
                         "tok/s; %3.0f tgt tok/s; %6.0f s elapsed") % (
                             e, c, 725, 41.2, math.exp(v), v, 3512, 3401, 12),
        _every(50, 725, 50), lambda e, c: e * 725 + c, digits=2, low=3, high=5),
    LineFormat(
        "OpenNMT-py Statistics.output (steps)", "OpenNMT/OpenNMT-py: onmt/utils/statistics.py",
        lambda e, c, v: ("[2021-05-01 12:00:00,000 INFO] Step %2d/%5d; acc: %6.2f; ppl: %5.2f; "
                         "xent: %4.2f; lr: %7.5f; %3.0f/%3.0f tok/s; %6.0f sec") % (
                             c, 100000, 41.2, math.exp(v), v, 0.0007, 3512, 3401,
                             12),
        _every(50, 2100, 50), lambda e, c: c, epochs=(1,), digits=2, low=3, high=5),
    LineFormat(
        "MXNet Speedometer", "apache/mxnet: python/mxnet/callback.py",
        lambda e, c, v: (f"INFO:root:Epoch[{e}] Batch [{c - 20}-{c}]\tSpeed: 812.30 samples/sec"
                         f"\tcross-entropy={v:f}"),
        _every(20, 400, 20), lambda e, c: e * 419 + c, epochs=(0, 1, 2), digits=6,
        extra=("INFO:root:Epoch[0] Train-cross-entropy=0.512345", "INFO:root:Epoch[0] Time "
               "cost=12.345")),
    LineFormat(
        "MXNet Speedometer (old)", "apache/mxnet (0.x): python/mxnet/callback.py",
        lambda e, c, v: (f"INFO:root:Epoch[{e}] Batch [{c}]\tSpeed: 43383.55 samples/sec\t"
                         f"Train-cross-entropy={v:f}"),
        _every(100, 500, 100), lambda e, c: e * 599 + c, epochs=(0, 1, 2), digits=6),
    LineFormat(
        "Keras 2 Progbar (samples)", "keras-team/keras (2.x): keras/utils/generic_utils.py",
        lambda e, c, v: f"{c:5d}/60000 [{'=' * 20}>{'.' * 9}] - ETA: 1s - loss: {v:.4f} - acc: "
                        f"0.8712",
        tuple(range(32 * 37, 60000, 32 * 37)), lambda e, c: e * 60000 + c,
        header=lambda e: f"Epoch {e}/20", joiner="\x08" * 80),
    LineFormat(
        "Keras 2 Progbar (steps)", "keras-team/keras (2.x): keras/utils/generic_utils.py",
        lambda e, c, v: f"{c:4d}/1875 [{'=' * 20}>{'.' * 9}] - ETA: 1s - loss: {v:.4f} - "
                        f"accuracy: 0.8712",
        tuple(range(1, 1876, 7)), lambda e, c: e * 1875 + c,
        header=lambda e: f"Epoch {e}/20", joiner="\r"),
    LineFormat(
        "Keras 3 Progbar", "keras-team/keras (3.x): keras/src/utils/progbar.py",
        lambda e, c, v: f"\x1b[1m{c:4d}/1875\x1b[0m \x1b[32m{'━' * 20}\x1b[0m \x1b[1m1s\x1b[0m "
                        f"2ms/step - accuracy: 0.8712 - loss: {v:.4f}",
        tuple(range(1, 1876, 7)), lambda e, c: e * 1875 + c,
        header=lambda e: f"Epoch {e}/20", joiner="\r"),
    LineFormat(
        "Lightning 1.x progress bar", "Lightning-AI/lightning (1.x): callbacks/progress/tqdm_progress.py",
        lambda e, c, v: f"Epoch {e}:  {100 * c // 300:2d}%|{BAR}| {c}/300 [00:10<00:15, "
                        f"11.70it/s, loss={v:.3f}, v_num=0]",
        tuple(range(1, 301)), lambda e, c: e * 300 + c, epochs=(0, 1, 2), digits=3,
        joiner="\r"),
    LineFormat(
        "Lightning 2.x progress bar", "Lightning-AI/lightning: callbacks/progress/tqdm_progress.py",
        lambda e, c, v: f"Epoch {e}:  {100 * c // 300:2d}%|{BAR}| {c}/300 [00:10<00:15, "
                        f"11.70it/s, v_num=0, train_loss_step={v:.3f}]",
        tuple(range(1, 301)), lambda e, c: e * 300 + c, epochs=(0, 1, 2), digits=3,
        joiner="\r"),
    LineFormat(
        "tqdm desc + set_postfix", "tqdm/tqdm: README (desc=f'Epoch {epoch}/{epochs}', "
        "set_postfix(loss=...))",
        lambda e, c, v: f"Epoch {e}/10:  {100 * c // 300:2d}%|{BAR}| {c}/300 [00:10<00:15, "
                        f"11.70it/s, loss={v:.4f}, acc=0.91]",
        tuple(range(1, 301)), lambda e, c: (e) * 300 + c, joiner="\r"),
    LineFormat(
        "nanoGPT train.py", "karpathy/nanoGPT: train.py",
        lambda e, c, v: f"iter {c}: loss {v:.4f}, time 412.31ms, mfu 31.20%",
        tuple(range(0, 300)), lambda e, c: c, epochs=(1,),
        extra=("step 300: train loss 2.1234, val loss 2.2345",)),
    LineFormat(
        "llm.c train_gpt2.py", "karpathy/llm.c: train_gpt2.py",
        lambda e, c, v: (f"step {c:4d}/{19560} | train loss {v:.6f} | norm 1.2345 | lr 6.00e-04 | "
                         f"(412.31 ms | 1271234 tok/s)"),
        tuple(range(1, 200)), lambda e, c: c, epochs=(1,), digits=6),
    LineFormat(
        "Megatron-LM training_log", "NVIDIA/Megatron-LM: megatron/training/training.py",
        lambda e, c, v: (f" iteration {c:8d}/  250000 | consumed samples: {c * 512:12d} | "
                         f"elapsed time per iteration (ms): 412.3 | learning rate: 6.000E-04 | "
                         f"global batch size:   512 | lm loss: {v:.6E} | loss scale: 1.0 |"),
        _every(10, 1000, 10), lambda e, c: c, epochs=(1,), digits=6),
    LineFormat(
        "ssd.pytorch train.py", "amdegroot/ssd.pytorch: train.py",
        lambda e, c, v: "timer: 0.4123 sec.\n" + "iter " + repr(c) + " || Loss: %.4f ||" % v,
        _every(10, 2000, 10), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "custom: Epoch, Batch, Loss", "common custom print (e.g. print(f'Epoch {epoch}, Batch "
        "{i}, Loss: {loss.item():.2f}'))",
        lambda e, c, v: f"Epoch {e}, Batch {c}, Loss: {v:.2f}",
        _every(10, 100), lambda e, c: e * 100 + c, digits=2),
    LineFormat(
        "custom: Cycle header + Batch/Cost", "common custom print (TensorFlow 1 tutorials: "
        "print('Cycle:', cycle) then print('Batch', i, ' Cost', cost))",
        lambda e, c, v: f"Batch {c}  Cost {v:.2f}",
        tuple(range(0, 40)), lambda e, c: e * 40 + c, digits=2,
        header=lambda e: f"Cycle: {e}"),
    LineFormat(
        "custom: Epoch E/T - step i/N - loss", "common custom print (print(f'Epoch {epoch}/"
        "{epochs} - step {i}/{n} - loss: {loss:.4f}'))",
        lambda e, c, v: f"Epoch {e}/30 - step {c}/50 - loss: {v:.4f}",
        tuple(range(1, 51)), lambda e, c: e * 50 + c, epochs=tuple(range(1, 31))),
    LineFormat(
        "DGL GraphSAGE", "dmlc/dgl: examples/pytorch/graphsage/train_sampling.py",
        lambda e, c, v: (f"Epoch {e:05d} | Step {c:05d} | Loss {v:.4f} | Train Acc {0.87:.4f} | Speed "
                         f"(samples/sec) {4321.1:.4f} | GPU {401.2:.1f} MB"),
        _every(20, 200), lambda e, c: e * 200 + c, epochs=(0, 1, 2),
        extra=("Epoch Time(s): 8.7072",)),
    LineFormat(
        "torchvision references MetricLogger", "pytorch/vision: references/classification/utils.py",
        lambda e, c, v: (f"Epoch: [{e}]  [{c:4d}/5005]  eta: 0:10:00  lr: 0.1  img/s: 812.3  "
                         f"loss: {v:.4f} ({2.5:.4f})  acc1: 45.3125 (40.1234)  acc5: 70.3125 "
                         f"(66.0234)  time: 0.1230  data: 0.0100  max mem: 1234"),
        _every(10, 5005), lambda e, c: e * 5005 + c, epochs=(0, 1, 2)),
    LineFormat(
        "YOLOX trainer", "Megvii-BaseDetection/YOLOX: yolox/core/trainer.py",
        lambda e, c, v: (f"2021-05-01 12:00:00 | INFO | yolox.core.trainer:260 - epoch: {e}/300, "
                         f"iter: {c}/1390, mem: 3512Mb, iter_time: 0.412s, data_time: 0.012s, "
                         f"total_loss: {v:.1f}, iou_loss: 2.1, l1_loss: 0.0, conf_loss: 2.0, "
                         f"cls_loss: 1.1, lr: 1.000e-02, size: 640, ETA: 1:00:00"),
        _every(10, 1390, 10), lambda e, c: e * 1390 + c, digits=1, low=2, high=9),
    LineFormat(
        "Swin Transformer main.py", "microsoft/Swin-Transformer: main.py",
        lambda e, c, v: (f"[2021-05-01 12:00:00 swin] (main.py 230): INFO Train: [{e}/300]"
                         f"[{c}/1251]\teta 0:10:00 lr 0.001000\t wd 0.0500\ttime 0.4120 (0.4200)\t"
                         f"loss {v:.4f} ({2.5:.4f})\tgrad_norm 1.2345 (1.3456)\tloss_scale "
                         f"65536.0000 (65536.0000)\tmem 3512MB"),
        _every(10, 1251), lambda e, c: e * 1251 + c, epochs=(0, 1, 2)),
    LineFormat(
        "PaddleDetection LogPrinter", "PaddlePaddle/PaddleDetection: ppdet/engine/callbacks.py",
        lambda e, c, v: (f"[05/01 12:00:00] ppdet.engine INFO: Epoch: [{e}] [{c:>4d}/1390] "
                         f"learning_rate: 0.010000 loss: {v:.6f} loss_cls: 0.123456 eta: 1:00:00 "
                         f"batch_cost: 0.4120 data_cost: 0.0120 ips: 19.4175 images/s"),
        _every(20, 1390), lambda e, c: e * 1390 + c, epochs=(0, 1, 2), digits=6),
    LineFormat(
        "PaddleOCR train loop", "PaddlePaddle/PaddleOCR: tools/program.py",
        lambda e, c, v: (f"[2021/05/01 12:00:00] ppocr INFO: epoch: [{e}/500], global_step: {c}, "
                         f"lr: 0.001000, loss: {v:.6f}, loss_ctc: 1.234567, avg_reader_cost: "
                         f"0.01234 s, avg_batch_cost: 0.41234 s, avg_samples: 128.0, ips: 310.43 "
                         f"samples/s, eta: 1:00:00"),
        (), lambda e, c: c),  # counters filled by _global() below
    LineFormat(
        "DeepLabV3Plus-Pytorch main.py", "VainF/DeepLabV3Plus-Pytorch: main.py",
        lambda e, c, v: "Epoch %d, Itrs %d/%d, Loss=%f" % (e, c, 30000, v),
        (), lambda e, c: c, digits=6),
    LineFormat(
        "EfficientDet train.py", "zylo117/Yet-Another-EfficientDet-Pytorch: train.py",
        lambda e, c, v: (f"Step: {c}. Epoch: {e}/{10}. Iteration: {c - (e - 1) * 500 + 1}/{500}. Cls loss: {0.5:.5f}. Reg loss: "
                         f"{0.25:.5f}. Total loss: {v:.5f}"),
        (), lambda e, c: c, digits=5),
    LineFormat(
        "AllenNLP trainer tqdm", "allenai/allennlp: allennlp/training/gradient_descent_trainer.py",
        lambda e, c, v: (f"accuracy: 0.8712, batch_loss: 0.5123, loss: {v:.4f} ||: "
                         f"{100 * c // 120:3d}%|{BAR}| {c}/120 [00:10<00:00, 11.95it/s]"),
        tuple(range(1, 121)), lambda e, c: e * 120 + c, epochs=(0, 1, 2), joiner="\r",
        header=lambda e: f"allennlp.training.gradient_descent_trainer - INFO - Epoch {e}/19"),
    LineFormat(
        "NVIDIA DLLogger stdout", "NVIDIA/DeepLearningExamples: PyTorch/Classification/ConvNets "
        "(dllogger StdOutBackend)",
        lambda e, c, v: (f"DLL 2021-05-01 12:00:00.000000 - Epoch: {e} Iteration: {c}  "
                         f"train.loss : {v:.5f}  train.total_ips : 1234.56 images/s"),
        _every(10, 1250), lambda e, c: e * 1250 + c, digits=5),
    LineFormat(
        "TF Estimator LoggingTensorHook", "tensorflow/estimator: basic_session_run_hooks.py",
        lambda e, c, v: f"INFO:tensorflow:loss = {v:.7f}, step = {c} (0.412 sec)",
        _every(100, 10000, 100), lambda e, c: c, epochs=(1,), digits=7),
    LineFormat(
        "ignite ProgressBar", "pytorch/ignite: ignite/contrib/handlers/tqdm_logger.py",
        lambda e, c, v: f"Epoch [{e}/10]: [{c}/469]  {100 * c // 469:3d}%|{BAR}, loss={v:.3f} "
                        f"[00:10<00:30]",
        tuple(range(1, 470)), lambda e, c: e * 469 + c, digits=3, joiner="\r"),
    LineFormat(
        "ignite mnist example", "pytorch/ignite: examples/mnist/mnist.py",
        lambda e, c, v: f"Epoch[{e}] Iteration[{c}/{469}] Loss: {v:.2f}",
        _every(10, 469, 10), lambda e, c: e * 469 + c, digits=2),
)


def _global(fmt: LineFormat, per_epoch: int, every: int, start: int) -> LineFormat:
    """A format whose counter runs on across epochs: counters made global, per epoch."""
    def write(seed: int = 0):
        rng = random.Random(seed)
        out, want = [], []
        base = 0 if 0 in fmt.epochs else 1
        for e in fmt.epochs:
            for k in range(start, per_epoch + (1 if start else 0), every):
                c = (e - base) * per_epoch + k
                v = round(rng.uniform(fmt.low, fmt.high), fmt.digits)
                out.append(fmt.line(e, c, v))
                step = c + 1 if fmt.name == "EfficientDet train.py" else c
                want.append((step, e - base, v))
        return "\n".join(out) + "\n", want
    object.__setattr__(fmt, "write", write)
    return fmt


_GLOBAL = {"PaddleOCR train loop": (400, 10, 10), "DeepLabV3Plus-Pytorch main.py": (300, 10, 10),
           "EfficientDet train.py": (500, 50, 0)}
# EfficientDet prints the global Step first, then the Iteration within the epoch (from 1):
# the counter after the epoch marker is read, so the step is the iteration's.
FORMATS = tuple(_global(f, *_GLOBAL[f.name]) if f.name in _GLOBAL else f for f in FORMATS)
