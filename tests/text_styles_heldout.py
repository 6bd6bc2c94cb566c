# ruff: noqa: E501, UP031  (the formats are kept as their sources write them)
"""Held-out reading corpus: line formats of real public training code the text reader was
never built against (none of them is in tests/text_styles.py, the reader's dev set).

Each entry is one real print or logger call (repository and file in `source`) written out
as a small log with known values, with tests/text_styles.LineFormat. Ground truth: the
step the trainer was at when it printed (a global counter as printed; a counter that
restarts every epoch turned global with the epoch's length, which the log shows by its
`i/N` or by its counters covering the epoch), the epoch counted from 0, the loss the line
prints (the total where a line prints several). A log with one line per epoch (no step on
it) reads as one point per epoch, step = the point's number from 1, and must be marked
per-epoch (`PER_EPOCH`).

The split (fixed before any failure was looked at): FORMATS in the order of collection;
entries at even positions (0, 2, 4, ...) are DEV2, the reader may be fixed against them;
entries at odd positions are TEST, only reported.
"""

from __future__ import annotations

import json
import math

from tests.text_styles import BAR, LineFormat

TS = "2023-05-01 12:00:00"


def _every(k: int, n: int, start: int = 0) -> tuple[int, ...]:
    return tuple(range(start, n + (1 if start else 0), k))


def _tqdm_num(v: float) -> str:
    """tqdm's format_num: how set_postfix prints a number."""
    f = f"{v:.3g}".replace("+0", "+").replace("-0", "-")
    n = str(v)
    return f if len(f) < len(n) else n


def _pct(c: int, n: int) -> str:
    return f"{100 * c // n:3d}%|{BAR}|"


def _per_epoch(name: str, source: str, line, epochs: tuple[int, ...], **kw) -> LineFormat:
    """A format printed once per epoch: the point's number (from 1) is its step."""
    return LineFormat(name, source, line, (0,), lambda e, c: e + 1, epochs=epochs, **kw)


# --------------------------------------------------------------------------- helpers


def _keras_custom(e: int, c: int, v: float) -> str:
    out = (f"Training loss (for one batch) at step {c}: {v:.4f}\n"
           f"Seen so far: {(c + 1) * 64} samples")
    if c == 600:
        out += "\nTraining acc over epoch: 0.8712\nValidation acc: 0.9012\nTime taken: 12.34s"
    return out


def _espnet(e: int, c: int, v: float) -> str:
    out = (f"[node0] {TS},123 (trainer:732) INFO: {e}epoch:train:{c - 99}-{c}batch: "
           f"iter_time=1.234e-04, forward_time=0.123, loss_ctc={v * 1.3:.3f}, "
           f"loss_att={v * 0.9:.3f}, acc=0.123, loss={v:.3f}, backward_time=0.100, "
           f"optim_step_time=0.050, optim0_lr0=2.000e-05, train_time=1.234")
    if c == 1000:
        out += (f"\n[node0] {TS},456 (trainer:338) INFO: {e}epoch results: [train] "
                f"iter_time=1.2e-04, forward_time=0.12, loss_ctc=54.031, loss_att=33.843, "
                f"acc=0.750, loss=39.899, backward_time=1.015, optim_step_time=0.053, "
                f"optim0_lr0=1.697e-04, train_time=2.157, time=6 hours, 22 minutes and "
                f"55.09 seconds, total_count={e * 1000}, [valid] loss_ctc=40.100, "
                f"loss_att=30.200, acc=0.800, cer=0.100, loss=33.200, time=1 minute and "
                f"12.3 seconds, total_count={e * 100}")
    return out


def _mlx_lora(e: int, c: int, v: float) -> str:
    out = (f"Iter {c}: Train loss {v:.3f}, Learning Rate {1e-5:.3e}, It/sec {1.234:.3f}, "
           f"Tokens/sec {456.7:.3f}, Trained Tokens {c * 512}, Peak mem {12.345:.3f} GB")
    if c % 200 == 0:
        out = f"Iter {c}: Val loss {1.5 + c / 1e4:.3f}, Val took {12.3:.3f}s\n" + out
    return out


def _fastspeech2(e: int, c: int, v: float) -> str:
    out = (f"Step {c}/900000, Total Loss: {v:.4f}, Mel Loss: {v * 0.3:.4f}, Mel PostNet Loss: "
           f"{v * 0.3:.4f}, Pitch Loss: {v * 0.1:.4f}, Energy Loss: {v * 0.1:.4f}, Duration "
           f"Loss: {v * 0.2:.4f}")
    if c % 1000 == 0:
        out += (f"\nValidation Step {c}, Total Loss: {1.2345:.4f}, Mel Loss: {0.4:.4f}, Mel "
                f"PostNet Loss: {0.4:.4f}, Pitch Loss: {0.1:.4f}, Energy Loss: {0.1:.4f}, "
                f"Duration Loss: {0.2:.4f}")
    return out


def _makemore(e: int, c: int, v: float) -> str:
    out = f"step {c} | loss {v:.4f} | step time {12.34:.2f}ms"
    if c > 0 and c % 500 == 0:
        out += f"\nstep {c} train loss: {2.1234567 - c / 1e4} test loss: {2.2345678 - c / 1e4}"
    return out


_SAMPLE = "ahe wothe sare mant, and thith the kor\nthe paich wher hist fo the"


def _min_char_rnn(e: int, c: int, v: float) -> str:
    return f"----\n {_SAMPLE} \n----\niter {c}, loss: {v:f}"


def _keras3_val(e: int, c: int, v: float) -> str:
    line = (f"\x1b[1m{c:4d}/1875\x1b[0m \x1b[32m{'━' * 20}\x1b[0m \x1b[1m1s\x1b[0m 2ms/step - "
            f"accuracy: 0.8712 - loss: {v:.4f}")
    if c == 1875:
        line += " - val_accuracy: 0.9012 - val_loss: 0.3123"
    return line


def _keras2_val(e: int, c: int, v: float) -> str:
    if c == 1875:
        return (f"1875/1875 [==============================] - 3s 2ms/step - loss: {v:.4f} - "
                f"accuracy: 0.8712 - val_loss: 0.3123 - val_accuracy: 0.9012")
    return f"{c:4d}/1875 [{'=' * 12}>{'.' * 17}] - ETA: 1s - loss: {v:.4f} - accuracy: 0.8712"


def _mmengine_iter(e: int, c: int, v: float) -> str:
    out = (f"2023/05/01 12:00:00 - mmengine - INFO - Iter(train) [{c:>5d}/80000]  base_lr: "
           f"1.0000e-02 lr: 1.0000e-02  eta: 10:00:00  time: 0.4120  data_time: 0.0120  "
           f"memory: 3512  loss: {v:.4f}  decode.loss_ce: {v * 0.7:.4f}  decode.acc_seg: "
           f"40.1234  aux.loss_ce: {v * 0.3:.4f}")
    if c % 1000 == 0:
        out += ("\n2023/05/01 12:05:00 - mmengine - INFO - Iter(val) [500/500]    aAcc: "
                "80.1200  mIoU: 30.1200  mAcc: 40.1200  data_time: 0.0100  time: 0.1000")
    return out


def _mmseg0(e: int, c: int, v: float) -> str:
    out = (f"2021-05-01 12:00:00,000 - mmseg - INFO - Iter [{c}/80000]\tlr: 9.999e-03, eta: "
           f"10:00:00, time: 0.412, data_time: 0.012, memory: 3512, decode.loss_ce: "
           f"{v * 0.7:.4f}, decode.acc_seg: 40.1234, aux.loss_ce: {v * 0.3:.4f}, loss: {v:.4f}")
    if c % 1000 == 0:
        out += ("\n2021-05-01 12:10:00,000 - mmseg - INFO - Iter(val) [500]\taAcc: 0.8012, "
                "mIoU: 0.3012, mAcc: 0.4012")
    return out


def _detr(e: int, c: int, v: float) -> str:
    out = (f"Epoch: [{e}]  [{c:3d}/100]  eta: 0:01:00  lr: 0.000100  class_error: 12.50  "
           f"loss: {v:.4f} ({v * 1.05:.4f})  loss_ce: 0.4123 (0.4234)  loss_bbox: 0.2123 "
           f"(0.2234)  loss_giou: 0.5123 (0.5234)  loss_ce_unscaled: 0.4123 (0.4234)  "
           f"class_error_unscaled: 10.1234 (11.2345)  loss_bbox_unscaled: 0.0423 (0.0445)  "
           f"loss_giou_unscaled: 0.2561 (0.2617)  cardinality_error_unscaled: 3.5000 (3.6000)"
           f"  time: 0.4123  data: 0.0123  max mem: 3512")
    if c == 99:
        out += (f"\nEpoch: [{e}] Total time: 0:00:41 (0.4123 s / it)\nAveraged stats: lr: "
                f"0.000100  class_error: 11.23  loss: 20.1234 (20.1234)  loss_ce: 0.4123 "
                f"(0.4123)\nAccumulating evaluation results...\nIoU metric: bbox")
    return out


def _dino(e: int, c: int, v: float) -> str:
    out = (f"Epoch: [{e}/100]  [{c:4d}/1251]  eta: 1:23:45  loss: {v:.6f} ({v * 1.01:.6f})  "
           f"lr: 0.000012 (0.000006)  wd: 0.040000 (0.040000)  time: 0.412300  data: "
           f"0.012300  max mem: 12345")
    if c == 1250:
        out += (f"\nEpoch: [{e}/100] Total time: 0:10:00 (0.4123 s / it)\nAveraged stats: "
                f"loss: 10.123456 (10.123456)  lr: 0.000006 (0.000006)  wd: 0.040000 "
                f"(0.040000)")
    return out


def _blip(e: int, c: int, v: float) -> str:
    out = (f"Train Caption Epoch: [{e}]  [{c:4d}/1133]  eta: 1:00:00  lr: 0.000010  loss: "
           f"{v:.4f}  time: 0.4123  data: 0.0123  max mem: 12345")
    if c == 1132:
        out += (f"\nTrain Caption Epoch: [{e}] Total time: 0:07:46 (0.4123 s / it)\n"
                f"Averaged stats: lr: 0.0000  loss: 2.1234")
    return out


def _centernet(e: int, c: int, v: float) -> str:
    return (f"ctdet/default |{'#' * 32}| train: [{e}][{c}/50]|Tot: 0:01:00 |ETA: 0:00:10 "
            f"|loss {v:.4f} |hm_loss {v * 0.6:.4f} |wh_loss {v * 0.1:.4f} |off_loss "
            f"{v * 0.3:.4f} |Data 0.010s(0.020s) |Net 0.412s")


def _fairseq_json(e: int, c: int, v: float) -> str:
    g = (e - 1) * 1000 + c
    stats = {"epoch": e, "update": round(e - 1 + c / 1000, 3), "loss": f"{v:.3f}",
             "nll_loss": f"{v * 0.9:.3f}", "ppl": f"{2 ** (v * 0.9):.2f}", "wps": "12345.6",
             "ups": "1.23", "wpb": "3412.1", "bsz": "128", "num_updates": str(g),
             "lr": "0.0005", "gnorm": "1.234", "train_wall": "12", "gb_free": "10.1",
             "wall": "34"}
    out = f"{TS} | INFO | train_inner | {json.dumps(stats)}"
    if c == 1000:
        end = {"epoch": e, "train_loss": "8.9", "train_nll_loss": "8.1", "train_ppl": "274.4",
               "train_wps": "12000.1", "train_num_updates": str(g), "train_lr": "0.0005",
               "train_wall": "120", "wall": "130"}
        val = {"epoch": e, "valid_loss": "8.5", "valid_nll_loss": "7.8", "valid_ppl": "222.9",
               "valid_num_updates": str(g), "valid_best_loss": "8.5"}
        out += (f"\n{TS} | INFO | valid | {json.dumps(val)}\n"
                f"{TS} | INFO | train | {json.dumps(end)}")
    return out


def _olmo(e: int, c: int, v: float) -> str:
    return (f"{TS}.000\tnode0:0\tolmo.train:816\tINFO\t[step={c}/739328]\n"
            f"    train/CrossEntropyLoss={v:.3f}\n    train/Perplexity={math.exp(v):.2f}\n"
            f"    throughput/total_tokens={c * 4194304:,d}\n"
            f"    throughput/device/tokens_per_second={12345:,d}\n"
            f"    optim/total_grad_norm=0.3456")


def _sb3(e: int, c: int, v: float) -> str:
    rows = [("rollout/", ""), ("   ep_len_mean", "22.4"), ("   ep_rew_mean", "22.4"),
            ("time/", ""), ("   fps", "1234"), ("   iterations", str(c)),
            ("   time_elapsed", str(2 * c)), ("   total_timesteps", str(2048 * c)),
            ("train/", ""), ("   approx_kl", "0.008"), ("   clip_fraction", "0.0922"),
            ("   clip_range", "0.2"), ("   entropy_loss", "-0.686"),
            ("   explained_variance", "-0.00252"), ("   learning_rate", "0.0003"),
            ("   loss", "%.3g" % v), ("   n_updates", str(10 * (c - 1))),
            ("   policy_gradient_loss", "-0.0158"), ("   value_loss", "49.5")]
    dash = "-" * 41
    body = [f"| {k:<23} | {val:<11} |" for k, val in rows]
    return "\n".join([dash, *body, dash])


def _spacy_step(e0: int, k: int) -> int:
    start = -(-e0 * 1100 // 200) * 200
    return start + 200 * k


def _spacy(e: int, c: int, v: float) -> str:
    row = f"{e:>3}  {_spacy_step(e, c):>6}  {v:>8.2f}  {56.53:>6.2f}  {60.42:>6.2f}  {53.10:>6.2f}  {0.57:>6.2f}"
    if e == 0 and c == 0:
        head = ("ℹ Pipeline: ['ner']\nℹ Initial learn rate: 0.001\n"
                "E    #       LOSS NER  ENTS_F  ENTS_P  ENTS_R  SCORE \n"
                "---  ------  --------  ------  ------  ------  ------")
        return head + "\n" + row
    return row


def _clu(e: int, c: int, v: float) -> str:
    out = (f"I0501 12:00:00.000000 140 logging_writer.py:48] [{c}] learning_rate=0.0016, "
           f"loss={v}, train_accuracy=0.1234")
    if c % 1000 == 0:
        out += (f"\nI0501 12:00:00.000000 140 logging_writer.py:48] [{c}] eval_accuracy=0.4512,"
                f" eval_loss=3.1234, eval_perplexity=22.73")
    return out


def _speechbrain_num(x: float) -> str:
    return f"{x:.2f}" if 1.0 < x < 100.0 else f"{x:.2e}"


def _neox(e: int, c: int, v: float) -> str:
    out = (f" iteration {c:8d}/  320000 | elapsed time per iteration (ms): 412.3 | learning "
           f"rate: 6.000E-04 | approx flops per GPU: 150.1TFLOPS | lm_loss: {v:.6E} | loss "
           f"scale: 65536.0 | number of skipped iterations:   0 | number of nan iterations:   0 |")
    if c % 500 == 0:
        out += (f"\n validation results at iteration {c} | lm_loss value: 2.345678E+00 | "
                f"lm_loss_ppl value: 1.043991E+01 | ")
    return out


def _detectron(e: int, c: int, v: float) -> str:
    stats = {"accuracy_cls": 0.912345, "eta": "1 day, 2:00:00", "iter": c, "loss": v,
             "loss_bbox": 0.123456, "loss_cls": 0.234567, "loss_rpn_bbox_fpn2": 0.01,
             "loss_rpn_cls_fpn2": 0.02, "lr": 0.0036, "mb_qsize": 64, "mem": 3512,
             "time": 0.412345}
    return "json_stats: " + json.dumps(stats, sort_keys=True)


def _basicsr(e: int, c: int, v: float) -> str:
    g = e * 500 + c
    return (f"2022-05-01 12:00:00,000 INFO: [train..][epoch:{e:3d}, iter:{g:8,d}, "
            f"lr:(2.000e-04,)] [eta: 1 day, 0:00:00, time (data): 0.412 (0.012)] l_pix: {v:.4e} ")


def _orbit(e: int, c: int, v: float) -> str:
    out = (f"I0501 12:00:00.000000 140 controller.py:495] train | step: {c: 6d} | steps/sec: "
           f"{5.2: 6.1f} | output: {{'learning_rate': 0.0999, 'training_loss': {v:.4f}}}")
    if c % 1000 == 0:
        out += (f"\nI0501 12:00:00.000000 140 controller.py:495] eval | step: {c: 6d} | eval "
                f"time: {12.3: 6.1f} sec | output: {{'accuracy': 0.7012, 'top_5_accuracy': "
                f"0.9012, 'validation_loss': 1.2345}}")
    return out


def _tf_transformer(e: int, c: int, v: float) -> str:
    out = f"Epoch {e} Batch {c} Loss {v:.4f} Accuracy 0.1234"
    if c == 750:
        out += f"\nEpoch {e} Loss 5.1234 Accuracy 0.1234\nTime taken for 1 epoch: 56.12 secs\n"
    return out


def _nnunet(e: int, c: int, v: float) -> str:
    t = "2023-05-01 12:02:00.000000: "
    return (f"{t}train_loss {v}\n{t}val_loss -0.3456\n{t}Pseudo dice [0.5123, 0.6123]\n"
            f"{t}Epoch time: 120.45 s\n{t}Yayy! New best EMA pseudo Dice: 0.5623")


# --------------------------------------------------------------------------- the formats


FORMATS: tuple[LineFormat, ...] = (
    LineFormat(
        "yunjey pytorch-tutorial", "yunjey/pytorch-tutorial: tutorials/02-intermediate/convolutional_neural_network/main.py",
        lambda e, c, v: f"Epoch [{e}/5], Step [{c}/600], Loss: {v:.4f}",
        _every(100, 600, 100), lambda e, c: e * 600 + c),
    LineFormat(
        "torchtune full_finetune tqdm", "pytorch/torchtune: recipes/full_finetune_single_device.py (pbar.set_description)",
        lambda e, c, v: f"{e}|{(e - 1) * 50 + c}|Loss: {v}: {_pct(c, 50)} {c}/50 [00:30<19:30,  1.20s/it]",
        tuple(range(1, 51)), lambda e, c: e * 50 + c, digits=6, joiner="\r"),
    LineFormat(
        "mlx-examples lora", "ml-explore/mlx-examples: lora/lora.py (train)",
        _mlx_lora, _every(10, 1000, 10), lambda e, c: c, epochs=(1,), digits=3),
    LineFormat(
        "litgpt finetune", "Lightning-AI/litgpt: litgpt/finetune/full.py (fit)",
        lambda e, c, v: (f"Epoch {e} | iter {(e - 1) * 100 + c} step {(e - 1) * 100 + c} | loss train: {v:.3f},"
                         f" val: {'n/a' if e == 1 else '2.345'} | iter time: 412.31 ms (step)"),
        _every(5, 100, 5), lambda e, c: e * 100 + c, digits=3),
    LineFormat(
        "keras.io custom training loop", "keras-team/keras-io: guides/writing_a_training_loop_from_scratch.py",
        _keras_custom, (0, 200, 400, 600), lambda e, c: e * 800 + c, epochs=(0, 1, 2),
        header=lambda e: f"\nStart of epoch {e}"),
    LineFormat(
        "scikit-learn MLP verbose", "scikit-learn/scikit-learn: sklearn/neural_network/_multilayer_perceptron.py",
        lambda e, c, v: f"Iteration {c}, loss = {v:.8f}",
        tuple(range(1, 201)), lambda e, c: c, epochs=(1,), digits=8),
    LineFormat(
        "NVIDIA tacotron2", "NVIDIA/tacotron2: train.py",
        lambda e, c, v: f"Train loss {e * 40 + c} {v:.6f} Grad Norm {1.234567:.6f} {0.41:.2f}s/it",
        tuple(range(0, 40)), lambda e, c: e * 40 + c, epochs=(0, 1, 2), digits=6,
        header=lambda e: f"Epoch: {e}",
        extra=("Validation loss 120: 0.512345  ",
               "Saving model and optimizer state at iteration 120 to outdir/checkpoint_120")),
    LineFormat(
        "ESPnet2 reporter", "espnet/espnet: espnet2/train/reporter.py (log_message)",
        _espnet, _every(100, 1000, 100), lambda e, c: e * 1000 + c, digits=3, low=20, high=60),
    LineFormat(
        "PaddleSeg train", "PaddlePaddle/PaddleSeg: paddleseg/core/train.py",
        lambda e, c, v: (f"{TS} [INFO]\t[TRAIN] epoch: {e}, iter: {(e - 1) * 300 + c}/900, loss: {v:.4f}, "
                         f"lr: 0.009000, batch_cost: 0.4123, reader_cost: 0.01234, ips: 19.4012 "
                         f"samples/sec | ETA 00:10:00"),
        _every(10, 300, 10), lambda e, c: e * 300 + c,
        extra=(f"{TS} [INFO]\tStart evaluating (total_samples: 500, total_iters: 500)...",
               f"{TS} [INFO]\t[EVAL] #Images: 500 mIoU: 0.3012 Acc: 0.8123 Kappa: 0.7012 Dice: 0.4012")),
    LineFormat(
        "PaddleNLP examples", "PaddlePaddle/PaddleNLP: examples/text_classification/pretrained_models/train.py",
        lambda e, c, v: f"global step {(e - 1) * 100 + c}, epoch: {e}, batch: {c}, loss: {v:.5f}, speed: 2.34 step/s",
        _every(10, 100, 10), lambda e, c: e * 100 + c, digits=5,
        extra=("eval loss: 0.45123, accuracy: 0.87123",)),
    LineFormat(
        "FastSpeech2 (ming024)", "ming024/FastSpeech2: train.py + utils/tools.py",
        _fastspeech2, _every(100, 10000, 100), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "makemore", "karpathy/makemore: makemore.py",
        _makemore, _every(10, 990), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "min-char-rnn", "karpathy: min-char-rnn.py (gist)",
        _min_char_rnn, _every(100, 4900), lambda e, c: c, epochs=(1,), digits=6, low=40,
        high=110),
    LineFormat(
        "Keras 3 Progbar with validation", "keras-team/keras (3.x): keras/src/utils/progbar.py (fit with validation_data)",
        _keras3_val, tuple(range(1, 1876, 25)) + (1875,), lambda e, c: e * 1875 + c,
        header=lambda e: f"Epoch {e}/20", joiner="\r"),
    _per_epoch(
        "PyG gcn example", "pyg-team/pytorch_geometric: examples/gcn.py (torch_geometric.logging.log)",
        lambda e, c, v: f"Epoch: {e:03d}, Loss: {v:.4f}, Train: 0.9286, Val: 0.7540, Test: 0.7610",
        tuple(range(1, 21))),
    _per_epoch(
        "Flax mnist", "google/flax: examples/mnist/train.py (logging.info)",
        lambda e, c, v: (f"I0501 12:00:00.000000 140 train.py:148] epoch:{e: 3d}, train_loss: {v:.4f}, "
                         f"train_accuracy: 97.12, test_loss: 0.0612, test_accuracy: 98.01"),
        tuple(range(1, 21))),
    _per_epoch(
        "d2l linear regression", "d2l-ai/d2l-en: chapter_linear-regression/linear-regression-scratch.md",
        lambda e, c, v: f"epoch {e}, loss {v:f}", tuple(range(1, 21)), digits=6),
    _per_epoch(
        "TensorFlow-Examples logistic regression", "aymericdamien/TensorFlow-Examples: examples/2_BasicModels/logistic_regression.py",
        lambda e, c, v: f"Epoch: {e:04d} cost= {v:.9f}", tuple(range(1, 26)), digits=9),
    LineFormat(
        "TensorFlow-Examples convolutional_network", "aymericdamien/TensorFlow-Examples: examples/3_NeuralNetworks/convolutional_network_raw.py",
        lambda e, c, v: f"Step {c}, Minibatch Loss= {v:.4f}, Training Accuracy= 0.123",
        (1,) + _every(10, 500, 10), lambda e, c: c, epochs=(1,),
        extra=("Optimization Finished!", "Testing Accuracy: 0.9765625")),
    _per_epoch(
        "peft example epoch print", "huggingface/peft: examples/causal_language_modeling/peft_lora_clm_accelerate_ds_zero3_offload.py",
        lambda e, c, v: (f"epoch={e}: train_ppl=tensor({math.exp(v):.4f}, device='cuda:0') "
                         f"train_epoch_loss=tensor({v:.4f}, device='cuda:0') eval_ppl=tensor(1.2345, "
                         f"device='cuda:0') eval_epoch_loss=tensor(0.2107, device='cuda:0')"),
        tuple(range(0, 20)), low=0.1, high=2.0),
    LineFormat(
        "MMEngine iteration-based", "open-mmlab/mmengine: mmengine/runner/log_processor.py (by_epoch=False)",
        _mmengine_iter, _every(50, 4000, 50), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "mmseg 0.x iteration-based", "open-mmlab/mmsegmentation (0.x): mmcv/runner/hooks/logger/text.py (IterBasedRunner)",
        _mmseg0, _every(50, 4000, 50), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "maskrcnn-benchmark MetricLogger", "facebookresearch/maskrcnn-benchmark: maskrcnn_benchmark/engine/trainer.py",
        lambda e, c, v: (f"2019-05-01 12:00:00,000 maskrcnn_benchmark.trainer INFO: eta: 1 day, 2:00:00  iter: {c}  "
                         f"loss: {v:.4f} ({v * 1.1:.4f})  loss_classifier: 0.9123 (1.0123)  loss_box_reg: "
                         f"0.1123 (0.1234)  loss_mask: 0.7123 (0.7234)  loss_objectness: 0.2123 (0.3123)  "
                         f"loss_rpn_box_reg: 0.0512 (0.0612)  time: 0.4123 (0.5123)  data: 0.0123 "
                         f"(0.0223)  lr: 0.007200  max mem: 3512"),
        _every(20, 2000, 20), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "DETR MetricLogger", "facebookresearch/detr: engine.py + util/misc.py",
        _detr, _every(10, 90) + (99,), lambda e, c: e * 100 + c, epochs=(0, 1, 2), low=10,
        high=40),
    LineFormat(
        "DINO MetricLogger", "facebookresearch/dino: main_dino.py + utils.py",
        _dino, _every(10, 1251), lambda e, c: e * 1251 + c, epochs=(0, 1, 2), digits=6, low=5,
        high=11),
    LineFormat(
        "torchtitan train", "pytorch/torchtitan: train.py (logger.info with colors)",
        lambda e, c, v: (f"[rank0]:{TS},000 - root - INFO - \x1b[31mstep: {c:2}  \x1b[32mloss: {v:7.4f}  "
                         f"\x1b[33mmemory: 32.12GiB(40.12%)  \x1b[34mwps: 1,234  \x1b[35mmfu: 30.12%\x1b[39m"),
        (1,) + _every(10, 1000, 10), lambda e, c: c, epochs=(1,), low=2, high=12),
    LineFormat(
        "MaxText train", "AI-Hypercomputer/maxtext: MaxText/train.py (record/write metrics)",
        lambda e, c, v: (f"completed step: {c}, seconds: 1.234, TFLOP/s/device: 123.456, "
                         f"Tokens/s/device: 4567.890, total_weights: 65536, loss: {v:.3f}"),
        tuple(range(0, 300)), lambda e, c: c, epochs=(1,), digits=3),
    LineFormat(
        "CenterNet progress Bar", "xingyizhou/CenterNet: src/lib/trains/base_trainer.py",
        _centernet, tuple(range(0, 50)), lambda e, c: e * 50 + c, joiner="\r"),
    LineFormat(
        "pytorch-examples fast_neural_style", "pytorch/examples: fast_neural_style/neural_style/neural_style.py",
        lambda e, c, v: (f"Mon May  1 12:00:00 2021\tEpoch {e}:\t[{c}/83000]\tcontent: {v * 0.6:.6f}\t"
                         f"style: {v * 0.4:.6f}\ttotal: {v:.6f}"),
        _every(2000, 82000, 2000), lambda e, c: e * 83000 + c, digits=6, low=1e5, high=9e5),
    LineFormat(
        "DeepSpeedExamples cifar", "microsoft/DeepSpeedExamples: training/cifar/cifar10_deepspeed.py",
        lambda e, c, v: f"[{e: d}, {c: 5d}] loss: {v: .3f}",
        _every(200, 1000, 200), lambda e, c: e * 1000 + c, digits=3),
    LineFormat(
        "xiaotudui PyTorch tutorial (Chinese)", "xiaotudui/pytorch-tutorial: train.py (训练次数 / 第 N 轮训练开始)",
        lambda e, c, v: f"训练次数：{(e - 1) * 800 + c}, Loss: {v}",
        _every(100, 800, 100), lambda e, c: e * 800 + c, digits=6,
        header=lambda e: f"-------第 {e} 轮训练开始-------",
        extra=("整体测试集上的Loss: 312.5421", "整体测试集上的正确率: 0.2503", "模型已保存")),
    LineFormat(
        "fairseq json progress", "facebookresearch/fairseq: fairseq/logging/progress_bar.py (JsonProgressBar)",
        _fairseq_json, _every(100, 1000, 100), lambda e, c: e * 1000 + c, digits=3, low=3,
        high=12),
    LineFormat(
        "OLMo console metrics", "allenai/OLMo: olmo/train.py (log_metrics_to_console)",
        _olmo, tuple(range(1, 301)), lambda e, c: c, epochs=(1,), digits=3, low=2, high=4),
    LineFormat(
        "stable-baselines3 PPO table", "DLR-RM/stable-baselines3: stable_baselines3/common/logger.py (HumanOutputFormat)",
        _sb3, tuple(range(2, 61)), lambda e, c: 2048 * c, epochs=(1,), low=0.5, high=50,
        value=lambda v: float("%.3g" % v)),
    LineFormat(
        "spaCy train table (ner only)", "explosion/spaCy: spacy/training/loggers.py (console_logger)",
        _spacy, (0, 1, 2, 3, 4), _spacy_step, epochs=(0, 1, 2), digits=2, low=10, high=3000),
    LineFormat(
        "kohya sd-scripts tqdm", "kohya-ss/sd-scripts: train_network.py (progress_bar.set_postfix(avr_loss=...))",
        lambda e, c, v: (f"steps: {_pct((e - 1) * 200 + c, 600)} {(e - 1) * 200 + c}/600 "
                         f"[01:00<09:00,  1.67it/s, avr_loss={_tqdm_num(v)}]"),
        tuple(range(1, 201)), lambda e, c: e * 200 + c, joiner="\r", low=0.05, high=0.2,
        header=lambda e: f"\nepoch {e}/3", value=lambda v: float(_tqdm_num(v))),
    LineFormat(
        "diffusers train_text_to_image", "huggingface/diffusers: examples/text_to_image/train_text_to_image.py",
        lambda e, c, v: (f"Steps: {_pct(c, 600)} {c}/600 [01:00<09:00,  1.67it/s, lr=1e-5, "
                         f"step_loss={_tqdm_num(v)}]"),
        tuple(range(1, 601)), lambda e, c: c, epochs=(1,), joiner="\r", low=0.01, high=0.3,
        value=lambda v: float(_tqdm_num(v))),
    LineFormat(
        "diffusers train_dreambooth", "huggingface/diffusers: examples/dreambooth/train_dreambooth.py",
        lambda e, c, v: (f"Steps: {_pct(c, 600)} {c}/600 [01:00<09:00,  1.67it/s, "
                         f"loss={_tqdm_num(v)}, lr=5e-6]"),
        tuple(range(1, 601)), lambda e, c: c, epochs=(1,), joiner="\r", low=0.01, high=0.3,
        value=lambda v: float(_tqdm_num(v))),
    LineFormat(
        "clu LoggingWriter (Flax examples)", "google/CommonLoopUtils: clu/metric_writers/logging_writer.py",
        _clu, _every(100, 3000, 100), lambda e, c: c, epochs=(1,), digits=6, low=2, high=8),
    _per_epoch(
        "SpeechBrain train_logger", "speechbrain/speechbrain: speechbrain/utils/train_logger.py (FileTrainLogger)",
        lambda e, c, v: (f"epoch: {e}, lr: 1.00e+00 - train loss: {_speechbrain_num(v)} - valid loss: "
                         f"{_speechbrain_num(1.5)}, valid CER: 12.30, valid WER: 30.10"),
        tuple(range(1, 21)), digits=2, low=1.1, high=99),
    _per_epoch(
        "PyTorch FSDP tutorial", "pytorch/tutorials: intermediate_source/FSDP_tutorial.rst (train)",
        lambda e, c, v: f"Train Epoch: {e} \tLoss: {v:.6f}", tuple(range(1, 21)), digits=6,
        extra=("Test set: Average loss: 0.0512, Accuracy: 9843/10000 (98.43%)", "")),
    LineFormat(
        "Keras 2 Progbar with validation", "keras-team/keras (2.x): keras/utils/generic_utils.py (fit with validation_data)",
        _keras2_val, tuple(range(1, 1876, 25)) + (1875,), lambda e, c: e * 1875 + c,
        header=lambda e: f"Epoch {e}/20", joiner="\r"),
    LineFormat(
        "GPT-NeoX training_log", "EleutherAI/gpt-neox: megatron/logging.py (training_log)",
        _neox, _every(10, 1000, 10), lambda e, c: c, epochs=(1,), digits=6),
    LineFormat(
        "Detectron json_stats", "facebookresearch/Detectron: detectron/utils/logging.py (log_json_stats)",
        _detectron, _every(20, 2000), lambda e, c: c, epochs=(1,), digits=6),
    LineFormat(
        "BasicSR MessageLogger", "XPixelGroup/BasicSR: basicsr/utils/logger.py (MessageLogger)",
        _basicsr, _every(100, 500, 100), lambda e, c: e * 500 + c, epochs=(0, 1, 2),
        low=0.005, high=0.05, value=lambda v: float(f"{v:.4e}")),
    LineFormat(
        "TF Model Garden orbit controller", "tensorflow/models: orbit/controller.py (train | step: ... | output:)",
        _orbit, _every(100, 5000, 100), lambda e, c: c, epochs=(1,)),
    LineFormat(
        "TensorFlow transformer tutorial", "tensorflow/text: docs/tutorials/transformer.ipynb (train loop prints)",
        _tf_transformer, _every(50, 751), lambda e, c: e * 800 + c),
    _per_epoch(
        "nnU-Net v2 epoch log", "MIC-DKFZ/nnUNet: nnunetv2/training/nnUNetTrainer/nnUNetTrainer.py (on_epoch_end)",
        _nnunet, tuple(range(0, 20)), low=-0.9, high=-0.1,
        header=lambda e: (f"2023-05-01 12:00:00.000000: \n2023-05-01 12:00:00.000000: Epoch {e}\n"
                          f"2023-05-01 12:00:00.000000: Current learning rate: 0.00999")),
    LineFormat(
        "BLIP train_caption MetricLogger", "salesforce/BLIP: train_caption.py + utils.py",
        _blip, _every(50, 1100) + (1132,), lambda e, c: e * 1133 + c, epochs=(0, 1, 2)),
)

PER_EPOCH = frozenset(f.name for f in FORMATS if f.counters == (0,) and len(f.epochs) > 1)

# The split, fixed before any failure was looked at: alternate entries in collection order.
DEV2: tuple[LineFormat, ...] = FORMATS[0::2]
TEST: tuple[LineFormat, ...] = FORMATS[1::2]
