# ruff: noqa: E501, W291  (the excerpts keep their pastes' layout, trailing blanks included)
"""Pasted logs: short excerpts in the format of real training consoles as people pasted them
in public GitHub issues and Q&A threads, each with the thread's address (attribution of the
format) and a ground truth written by hand before spikecheck was run on any of them.

Unlike tests/text_styles*.py (logs generated from a line template of real code), these keep
each paste's form: fenced or quoted, with the logger's prefix, timestamps, duplicated
handler lines, warnings, progress bars, validation lines and a truncated last line, trimmed
to its loss part and the noise around it (a line cut off by the thread's own excerpt is
dropped). They are re-typed, not copied (tests/retype.py, run once; the thread text is
third-party material): layout, logger words, widths, blanks, wraps and fences are kept;
every number with a fractional part has new digits (same integer part, digit count and
order), timestamps are shifted, names and paths are neutral, the person's prose is
replaced. The ground truth was mapped with the same per-token table.

Ground truth (what a user pasting it would expect spikecheck to read):
- `points`: training-loss points (a line printing several losses gives its total; a value
  that is `nan` is no point, spikecheck drops it with a note);
- `first`, `last`: the first and last of them, as printed;
- `epochs`: how many epochs the excerpt shows, when it prints an epoch (None: it does not);
  with 2 or more the reader must give them per point;
- `not_loss`: values printed on lines that are not training-loss points (validation, test,
  evaluation, an epoch summary): none may be read as one;
- `per_epoch`: the log has one line per epoch, and must be marked so.

The split (fixed before the first run): entries at even positions are DEV (the reader may
be fixed against them), odd positions are TEST (only reported).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PastedLog:
    """One pasted excerpt and what a user expects read from it."""

    name: str
    url: str
    text: str
    points: int
    first: float
    last: float
    epochs: int | None = None
    not_loss: tuple[float, ...] = ()
    per_epoch: bool = False


ENTRIES: tuple[PastedLog, ...] = (
    PastedLog(
        "keras progbar steps (tf.keras fit, one epoch)",
        "https://github.com/AmadeusITGroup/Moire-Pattern-Detection/issues/25",
        """Hi there! A short run below！The loss stops going down while fitting a small net。
Any hint is welcome！
Here is what the console printed：
  1/102 [..............................] - ETA: 19:24 - loss: 0.9965 - accuracy: 0.1897
  2/102 [..............................] - ETA: 8:29 - loss: 0.9195 - accuracy: 0.1897 
  3/102 [..............................] - ETA: 8:18 - loss: 0.8263 - accuracy: 0.1957
  4/102 [>.............................] - ETA: 8:10 - loss: 0.8049 - accuracy: 0.1375
  5/102 [>.............................] - ETA: 8:07 - loss: 0.7756 - accuracy: 0.2058
  6/102 [>.............................] - ETA: 8:00 - loss: 0.6370 - accuracy: 0.2531
  7/102 [=>............................] - ETA: 7:56 - loss: 0.4961 - accuracy: 0.4333
  8/102 [=>............................] - ETA: 7:51 - loss: 0.5207 - accuracy: 0.4250
  9/102 [=>............................] - ETA: 7:46 - loss: 0.3229 - accuracy: 0.5474
 10/102 [=>............................] - ETA: 7:40 - loss: 0.2088 - accuracy: 0.7736
 11/102 [==>...........................] - ETA: 7:36 - loss: 0.2387 - accuracy: 0.6020
 12/102 [==>...........................] - ETA: 7:30 - loss: 0.3549 - accuracy: 0.5918
 13/102 [==>...........................] - ETA: 7:25 - loss: 0.3047 - accuracy: 0.6866
 14/102 [===>..........................] - ETA: 7:20 - loss: 0.2740 - accuracy: 0.7117
""",
        14, 0.9965, 0.2740),
    PastedLog(
        "mmdet 1.x TextLoggerHook (no logger name)",
        "https://github.com/open-mmlab/mmdetection/issues/1956",
        """2021-12-15 06:27:00,490 - INFO - Epoch [1][1550/23454]\tlr: 0.00014, eta: 1 day, 19:58:30, time: 0.576, data_time: 0.002, memory: 6814, loss_cls: 0.0380, loss_bbox: 5.3461, loss: 5.5773
2021-12-15 06:27:21,882 - INFO - Epoch [1][1600/23454]\tlr: 0.00014, eta: 1 day, 19:53:43, time: 0.379, data_time: 0.002, memory: 6814, loss_cls: 0.0265, loss_bbox: 5.8811, loss: 5.9116
2021-12-15 06:27:43,209 - INFO - Epoch [1][1650/23454]\tlr: 0.00014, eta: 1 day, 19:48:59, time: 0.325, data_time: 0.002, memory: 6814, loss_cls: 0.0138, loss_bbox: 5.8501, loss: 5.9096
2021-12-15 06:28:05,086 - INFO - Epoch [1][1700/23454]\tlr: 0.00014, eta: 1 day, 19:46:23, time: 0.862, data_time: 0.002, memory: 6814, loss_cls: 0.1889, loss_bbox: 5.6706, loss: 5.8255
2021-12-15 06:28:26,666 - INFO - Epoch [1][1750/23454]\tlr: 0.00014, eta: 1 day, 19:42:55, time: 0.577, data_time: 0.002, memory: 6814, loss_cls: 0.1537, loss_bbox: 5.0214, loss: 5.1770
2021-12-15 06:28:48,308 - INFO - Epoch [1][1800/23454]\tlr: 0.00014, eta: 1 day, 19:39:50, time: 0.810, data_time: 0.002, memory: 6814, loss_cls: 0.0214, loss_bbox: 5.2467, loss: 5.4232
2021-12-15 06:29:09,709 - INFO - Epoch [1][1850/23454]\tlr: 0.00014, eta: 1 day, 19:36:08, time: 0.379, data_time: 0.002, memory: 6814, loss_cls: 0.0439, loss_bbox: 5.4712, loss: 5.7496
""",
        7, 5.5773, 5.7496, epochs=1),
    PastedLog(
        "mmdet 1.x TextLoggerHook (eta in days)",
        "https://github.com/open-mmlab/mmdetection/issues/4090",
        """2022-02-27 20:08:49,439 - mmdet - INFO - Epoch [1][1050/29317]\tlr: 2.000e-02, eta: 1 day, 18:57:37, time: 0.573, data_time: 0.001, memory: 3946, loss_rpn_cls: 0.1232, loss_rpn_bbox: 0.0263, loss_cls: 0.8050, acc: 91.2165, loss_bbox: 0.2434, loss: 1.0044
2022-02-27 20:09:09,066 - mmdet - INFO - Epoch [1][1100/29317]\tlr: 2.000e-02, eta: 1 day, 18:44:28, time: 0.662, data_time: 0.002, memory: 3946, loss_rpn_cls: 0.1667, loss_rpn_bbox: 0.0114, loss_cls: 0.8857, acc: 90.7383, loss_bbox: 0.2649, loss: 1.0768
2022-02-27 20:09:28,681 - mmdet - INFO - Epoch [1][1150/29317]\tlr: 2.000e-02, eta: 1 day, 18:32:17, time: 0.614, data_time: 0.002, memory: 3946, loss_rpn_cls: 0.0161, loss_rpn_bbox: 0.0125, loss_cls: 0.8452, acc: 90.3403, loss_bbox: 0.5117, loss: 1.0130
2022-02-27 20:09:48,567 - mmdet - INFO - Epoch [1][1200/29317]\tlr: 2.000e-02, eta: 1 day, 18:22:26, time: 0.741, data_time: 0.002, memory: 3946, loss_rpn_cls: 0.1458, loss_rpn_bbox: 0.0187, loss_cls: 0.8420, acc: 90.3670, loss_bbox: 0.3537, loss: 1.0569
2022-02-27 20:10:08,450 - mmdet - INFO - Epoch [1][1250/29317]\tlr: 2.000e-02, eta: 1 day, 18:13:10, time: 0.692, data_time: 0.002, memory: 3946, loss_rpn_cls: 0.0157, loss_rpn_bbox: 0.0109, loss_cls: 0.7637, acc: 90.6305, loss_bbox: 0.4403, loss: 0.9120
""",
        5, 1.0044, 0.9120, epochs=1),
    PastedLog(
        "detectron2 CommonMetricPrinter",
        "https://github.com/facebookresearch/detectron2/issues/195",
        """[08/29 19:58:54 d2.utils.events]: eta: 8:08:27  iter: 639  total_loss: 1.969  loss_cls: 0.936  loss_box_reg: 0.551  time: 0.2333  data_time: 0.0153  lr: 0.001073  max_mem: 3961M
[08/29 19:59:00 d2.utils.events]: eta: 8:08:20  iter: 659  total_loss: 1.749  loss_cls: 0.868  loss_box_reg: 0.581  time: 0.2137  data_time: 0.0228  lr: 0.001423  max_mem: 3961M
[08/29 19:59:07 d2.utils.events]: eta: 8:08:14  iter: 679  total_loss: 1.727  loss_cls: 0.779  loss_box_reg: 0.525  time: 0.2176  data_time: 0.0206  lr: 0.001693  max_mem: 3961M
[08/29 19:59:14 d2.utils.events]: eta: 8:08:07  iter: 699  total_loss: 1.013  loss_cls: 0.744  loss_box_reg: 0.293  time: 0.2333  data_time: 0.0390  lr: 0.001967  max_mem: 3961M
[08/29 19:59:20 d2.utils.events]: eta: 8:08:01  iter: 719  total_loss: 1.516  loss_cls: 0.779  loss_box_reg: 0.412  time: 0.2137  data_time: 0.0102  lr: 0.002005  max_mem: 3961M
[08/29 19:59:27 d2.utils.events]: eta: 8:07:54  iter: 739  total_loss: 1.356  loss_cls: 0.738  loss_box_reg: 0.334  time: 0.2137  data_time: 0.0325  lr: 0.002401  max_mem: 3961M
[08/29 19:59:34 d2.utils.events]: eta: 8:07:40  iter: 759  total_loss: 1.011  loss_cls: 0.652  loss_box_reg: 0.141  time: 0.1861  data_time: 0.0290  lr: 0.002545  max_mem: 3961M
""",
        7, 1.969, 1.011),
    PastedLog(
        "detectron2 CommonMetricPrinter (fenced, mask head)",
        "https://github.com/facebookresearch/detectron2/issues/3363",
        """```python
[03/15 01:49:44 d2.utils.events]:  eta: 0:43:51  iter: 6319  total_loss: 0.3629  loss_cls: 0.03754  loss_box_reg: 0.02496  loss_mask: 0.2853  loss_rpn_cls: 0.03042  loss_rpn_loc: 0.04405  time: 0.5035  data_time: 0.0136  lr: 0.0001  max_mem: 1962M
[03/15 01:49:54 d2.utils.events]:  eta: 0:43:46  iter: 6339  total_loss: 0.8069  loss_cls: 0.05183  loss_box_reg: 0.04135  loss_mask: 0.1603  loss_rpn_cls: 0.04345  loss_rpn_loc: 0.0630  time: 0.5967  data_time: 0.0103  lr: 0.0001  max_mem: 1962M
[03/15 01:50:04 d2.utils.events]:  eta: 0:43:37  iter: 6359  total_loss: 0.3808  loss_cls: 0.03489  loss_box_reg: 0.01754  loss_mask: 0.3047  loss_rpn_cls: 0.03459  loss_rpn_loc: 0.06632  time: 0.6133  data_time: 0.0286  lr: 0.0001  max_mem: 1962M
[03/15 01:50:13 d2.utils.events]:  eta: 0:43:28  iter: 6379  total_loss: 0.8362  loss_cls: 0.05908  loss_box_reg: 0.03207  loss_mask: 0.2703  loss_rpn_cls: 0.05772  loss_rpn_loc: 0.1264  time: 0.6925  data_time: 0.0110  lr: 0.0001  max_mem: 1962M
[03/15 01:50:23 d2.utils.events]:  eta: 0:43:17  iter: 6399  total_loss: 0.3713  loss_cls: 0.03217  loss_box_reg: 0.01813  loss_mask: 0.2078  loss_rpn_cls: 0.04821  loss_rpn_loc: 0.05461  time: 0.7578  data_time: 0.0216  lr: 0.0001  max_mem: 1962M
""",
        5, 0.3629, 0.3713),
    PastedLog(
        "Hugging Face Trainer printed dicts (trl SFT)",
        "https://github.com/huggingface/trl/issues/733",
        """{'loss': 1.0088, 'learning_rate': 1e-05, 'epoch': 0.01}                                                                   
{'loss': 0.9656, 'learning_rate': 1e-05, 'epoch': 0.02}                                                                   
{'loss': 0.9141, 'learning_rate': 1e-05, 'epoch': 0.03}                                                                   
{'loss': 0.7701, 'learning_rate': 1e-05, 'epoch': 0.04}                                                                   
{'loss': 0.750, 'learning_rate': 1e-05, 'epoch': 0.05}                                                                    
{'loss': 0.720, 'learning_rate': 1e-05, 'epoch': 0.06}                                                                    
{'loss': 0.5908, 'learning_rate': 1e-05, 'epoch': 0.2}                                                                    
{'loss': 0.5856, 'learning_rate': 1e-05, 'epoch': 0.22}                                                                   
{'loss': 0.4944, 'learning_rate': 1e-05, 'epoch': 0.31}                                                                   
{'loss': 0.4233, 'learning_rate': 1e-05, 'epoch': 0.33}                                                                   
{'loss': 0.4478, 'learning_rate': 1e-05, 'epoch': 0.40}
""",
        11, 1.0088, 0.4478),
    PastedLog(
        "LLaMA-Factory printed dicts with grad_norm",
        "https://github.com/hiyouga/LlamaFactory/issues/3529",
        """{'loss': 1.5543, 'grad_norm': 0.201028156085072, 'learning_rate': 2.9858140093455476e-05, 'epoch': 1.12}                                                                                                                   
{'loss': 1.4389, 'grad_norm': 0.5915916759594175, 'learning_rate': 2.196779320835709e-05, 'epoch': 1.24}                                                                                                                   
{'loss': 1.8525, 'grad_norm': 0.9560969632175308, 'learning_rate': 2.1036185438478642e-05, 'epoch': 1.33}                                                                                                                  
{'loss': 1.752, 'grad_norm': 0.3339360406749239, 'learning_rate': 2.1029779301090334e-05, 'epoch': 1.35}                                                                                                                   
{'loss': 1.9256, 'grad_norm': 0.5890100890993807, 'learning_rate': 2.0360943410849154e-05, 'epoch': 1.43}                                                                                                                  
{'loss': 1.7105, 'grad_norm': 0.8605899085448520, 'learning_rate': 1.9955729273062658e-05, 'epoch': 1.62}                                                                                                                  
""",
        6, 1.5543, 1.7105),
    PastedLog(
        "nanoGPT train.py (quoted, timestamped, eval line, nan)",
        "https://github.com/karpathy/nanoGPT/issues/215",
        """single GPU 16G
torchrun --standalone --nproc_per_node=1 train.py config/train_gpt2.py --dtype=float16

> 2025-05-28 18:50:07 iter 2920: loss 3.7918, time 1099.82ms, mfu 15.80%
> 
> 2025-05-28 18:50:18 iter 2930: loss 3.4804, time 1097.59ms, mfu 15.80%
> 
> 2025-05-28 18:50:29 iter 2940: loss 3.8347, time 1097.87ms, mfu 15.80%
> 
> 2025-05-28 18:50:40 iter 2950: loss 4.0234, time 1096.60ms, mfu 15.80%
> 
> 2025-05-28 18:50:51 iter 2960: loss 4.4687, time 1097.37ms, mfu 15.80%
> 
> 2025-05-28 18:51:02 iter 2970: loss 3.6272, time 1097.64ms, mfu 15.80%
> 
> 2025-05-28 18:51:13 iter 2980: loss 3.2663, time 1099.54ms, mfu 15.80%
> 
> 2025-05-28 18:51:24 iter 2990: loss 3.2370, time 1096.59ms, mfu 15.80%
> 
> 2025-05-28 18:52:00 step 3000: train loss 4.0132, val loss 4.0198
> 
> saving checkpoint to out
> 
> 2025-05-28 18:52:09 iter 3000: loss 4.8031, time 35392.91ms, mfu 13.83%
> 
> 2025-05-28 18:52:20 iter 3010: loss nan, time 1019.40ms, mfu 14.35%
> 
> 2025-05-28 18:52:30 iter 3020: loss nan, time 1015.36ms, mfu 14.48%
> 
> 2025-05-28 18:52:40 iter 3030: loss nan, time 1017.76ms, mfu 14.51%
> 
> 2025-05-28 18:52:50 iter 3040: loss nan, time 1016.54ms, mfu 14.81%
> 
> 2025-05-28 18:53:01 iter 3050: loss nan, time 1016.85ms, mfu 14.89%
> 
> 2025-05-28 18:53:11 iter 3060: loss nan, time 1018.15ms, mfu 15.45%
""",
        9, 3.7918, 4.8031, not_loss=(4.0132, 4.0198)),
    PastedLog(
        "nanoGPT train.py (fenced, shell prompt)",
        "https://github.com/karpathy/nanoGPT/issues/110",
        """```
$ torchrun --standalone --nproc_per_node=8 train.py
...
iter 1631: loss 4.0334, time 561.79ms
iter 1632: loss 3.4410, time 563.59ms
iter 1633: loss 3.7546, time 562.23ms
iter 1634: loss 3.5135, time 562.89ms
iter 1635: loss 3.8255, time 561.52ms
iter 1636: loss 3.5103, time 562.63ms
iter 1637: loss 3.6037, time 562.35ms
iter 1638: loss 3.3320, time 562.76ms
iter 1639: loss 3.6363, time 562.57ms
iter 1640: loss 3.2459, time 562.28ms
iter 1641: loss 3.6608, time 567.47ms
```
""",
        11, 4.0334, 3.6608),
    PastedLog(
        "fairseq simple progress with a valid line",
        "https://github.com/facebookresearch/fairseq/issues/940",
        """```
| epoch 001:    450 / 1891 loss=11.994, nll_loss=10.762, ppl=1886.09, wps=52922, ups=0.3, wpb=104928, bsz=5325, num_updates=445, lr=8.32384e-05, gnorm=1.871, clip=0%, oom=0, loss_scale=2.000, wall=882, train_wall=756
| epoch 001:    500 / 1891 loss=11.549, nll_loss=10.725, ppl=1637.96, wps=53351, ups=0.3, wpb=104872, bsz=5322, num_updates=495, lr=9.69644e-05, gnorm=1.773, clip=0%, oom=0, loss_scale=2.000, wall=973, train_wall=840
| epoch 001:    550 / 1891 loss=11.272, nll_loss=10.598, ppl=1440.09, wps=53627, ups=0.3, wpb=104800, bsz=5311, num_updates=545, lr=0.000328894, gnorm=1.674, clip=0%, oom=0, loss_scale=2.000, wall=1065, train_wall=925
| epoch 001:    600 / 1891 loss=11.015, nll_loss=10.475, ppl=1278.68, wps=53936, ups=0.3, wpb=104812, bsz=5310, num_updates=595, lr=0.000353425, gnorm=1.586, clip=0%, oom=0, loss_scale=2.000, wall=1156, train_wall=1010
| epoch 001 | valid on 'valid' subset | valid_loss 8.12311 | valid_nll_loss 6.3911 | valid_ppl 118.03 | num_updates 600
| epoch 001:    650 / 1891 loss=10.920, nll_loss=10.274, ppl=1144.24, wps=53573, ups=0.3, wpb=104904, bsz=5328, num_updates=645, lr=0.000611690, gnorm=1.359, clip=0%, oom=0, loss_scale=2.000, wall=1263, train_wall=1094
""",
        5, 11.994, 10.920, epochs=1, not_loss=(8.12311,)),
    PastedLog(
        "fairseq 0.x (2018) with epoch summary and valid progress",
        "https://github.com/facebookresearch/fairseq/issues/301",
        """| epoch 010  2000 / 8223 loss=1.16 (1.53), wps=962, wpb=908, bsz=32, lr=0.003, clip=100%, gnorm=2.7534
| epoch 010  3000 / 8223 loss=1.19 (1.47), wps=962, wpb=908, bsz=32, lr=0.003, clip=100%, gnorm=2.8411
| epoch 010  4000 / 8223 loss=0.54 (1.46), wps=962, wpb=908, bsz=32, lr=0.003, clip=100%, gnorm=2.8686
| epoch 010  5000 / 8223 loss=0.55 (1.44), wps=962, wpb=908, bsz=32, lr=0.003, clip=100%, gnorm=2.6206
| epoch 010  6000 / 8223 loss=1.55 (1.36), wps=961, wpb=905, bsz=32, lr=0.003, clip=100%, gnorm=2.3977
| epoch 010  7000 / 8223 loss=0.32 (1.36), wps=961, wpb=906, bsz=32, lr=0.003, clip=100%, gnorm=2.4841
| epoch 010  8000 / 8223 loss=1.25 (1.34), wps=961, wpb=905, bsz=32, lr=0.003, clip=100%, gnorm=2.3265
| epoch 010 | train loss 1.32 | train ppl 2.94 | s/checkpoint    7747 | words/s    961 | words/batch    906 | bsz    32 | lr 0.004533 | clip 100% | gnorm 2.2519
| epoch 010 | valid on 'valid' subset  1000 / 1311 loss=1.58
| epoch 010 | valid on 'valid' subset | valid loss 1.92 | valid ppl 3.32
| epoch 011  1000 / 8223 loss=1.75 (1.31), wps=963, wpb=918, bsz=32, lr=0.003, clip=100%, gnorm=2.0172
| epoch 011  2000 / 8223 loss=1.29 (1.28), wps=962, wpb=912, bsz=32, lr=0.003, clip=100%, gnorm=2.0131
| epoch 011  3000 / 8223 loss=0.25 (1.28), wps=963, wpb=916, bsz=32, lr=0.003, clip=100%, gnorm=2.0125
""",
        10, 1.16, 0.25, epochs=2, not_loss=(1.32, 1.58, 1.92)),
    PastedLog(
        "fairseq simple progress (every 10 updates)",
        "https://github.com/facebookresearch/fairseq/issues/311",
        """| epoch 001:    370 / 614 loss=10.091, nll_loss=10.091, ppl=1092.42, wps=1334, ups=3.0, wpb=439, bsz=18, num_updates=371, lr=0.01, gnorm=0.613, clip=100%, oom=0
| epoch 001:    380 / 614 loss=10.084, nll_loss=10.084, ppl=1075.80, wps=1337, ups=3.0, wpb=441, bsz=18, num_updates=381, lr=0.01, gnorm=0.613, clip=100%, oom=0
| epoch 001:    390 / 614 loss=10.071, nll_loss=10.071, ppl=1062.44, wps=1342, ups=3.0, wpb=443, bsz=18, num_updates=391, lr=0.01, gnorm=0.234, clip=100%, oom=0
| epoch 001:    400 / 614 loss=10.064, nll_loss=10.064, ppl=1048.31, wps=1341, ups=3.0, wpb=442, bsz=18, num_updates=401, lr=0.01, gnorm=0.613, clip=100%, oom=0
| epoch 001:    410 / 614 loss=10.048, nll_loss=10.048, ppl=1043.67, wps=1340, ups=3.0, wpb=442, bsz=18, num_updates=411, lr=0.01, gnorm=0.835, clip=100%, oom=0
| epoch 001:    420 / 614 loss=10.030, nll_loss=10.030, ppl=1032.93, wps=1340, ups=3.0, wpb=441, bsz=18, num_updates=421, lr=0.01, gnorm=0.934, clip=100%, oom=0
| epoch 001:    430 / 614 loss=9.485, nll_loss=9.485, ppl=1021.31, wps=1340, ups=3.0, wpb=442, bsz=18, num_updates=431, lr=0.01, gnorm=11.737, clip=100%, oom=0
| epoch 001:    440 / 614 loss=9.275, nll_loss=9.275, ppl=1008.74, wps=1345, ups=3.0, wpb=444, bsz=18, num_updates=441, lr=0.01, gnorm=13.227, clip=100%, oom=0
""",
        8, 10.091, 9.275, epochs=1),
    PastedLog(
        "Lightning 1.x progress bar as printed lines",
        "https://github.com/Lightning-AI/pytorch-lightning/issues/4225",
        """Training: 0it [00:00, ?it/s]
Training:   0%|          | 0/18 [00:00<?, ?it/s]
Epoch 0:   0%|          | 0/18 [00:00<?, ?it/s] 
Epoch 0:   6%|▌         | 1/18 [00:08<02:29,  8.25s/it]
Epoch 0:   6%|▌         | 1/18 [00:08<02:29,  8.25s/it, loss=10.928, v_num=193315]
Epoch 0:  11%|█         | 2/18 [00:11<01:33,  5.22s/it, loss=10.928, v_num=193315]
Epoch 0:  11%|█         | 2/18 [00:11<01:33,  5.22s/it, loss=10.214, v_num=193315]
Epoch 0:  17%|█▋        | 3/18 [00:14<01:13,  4.72s/it, loss=10.214, v_num=193315]
Epoch 0:  17%|█▋        | 3/18 [00:14<01:13,  4.72s/it, loss=10.023, v_num=193315]
Epoch 0:  22%|██▏       | 4/18 [00:17<01:02,  4.62s/it, loss=10.023, v_num=193315]
Epoch 0:  22%|██▏       | 4/18 [00:17<01:02,  4.62s/it, loss=9.986, v_num=193315] 
Epoch 0:  28%|██▊       | 5/18 [00:20<00:53,  4.53s/it, loss=9.986, v_num=193315]
Epoch 0:  28%|██▊       | 5/18 [00:20<00:53,  4.53s/it, loss=9.689, v_num=193315]
""",
        5, 10.928, 9.689),
    PastedLog(
        "two-line logger records (RTM3D ProgressMeter)",
        "https://github.com/maudzung/RTM3D/issues/4",
        """>>> Epoch: [127/300]
2022-07-06 15:19:22,024: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][ 35/464]\tTime  0.898 ( 0.898)\tData  0.000 ( 0.018)\tLoss 2.1677e+00 (1.7530e+00)
2022-07-06 15:19:58,284: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][ 85/464]\tTime  0.693 ( 0.693)\tData  0.000 ( 0.004)\tLoss 1.1438e+00 (1.8787e+00)
2022-07-06 15:20:34,519: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][135/464]\tTime  0.913 ( 0.543)\tData  0.000 ( 0.003)\tLoss 2.5428e+00 (1.7865e+00)
2022-07-06 15:21:10,725: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][185/464]\tTime  0.485 ( 0.485)\tData  0.000 ( 0.002)\tLoss 1.4553e+00 (1.7050e+00)
2022-07-06 15:21:46,952: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][235/464]\tTime  0.780 ( 0.485)\tData  0.000 ( 0.001)\tLoss 1.3194e+00 (1.5292e+00)
2022-07-06 15:22:23,202: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][285/464]\tTime  0.139 ( 0.318)\tData  0.000 ( 0.001)\tLoss 1.2394e+00 (1.4794e+00)
2022-07-06 15:22:59,391: logger.py - info(), at Line 49:INFO:
Train - Epoch: [127/300][335/464]\tTime  0.708 ( 0.318)\tData  0.000 ( 0.001)\tLoss 1.9030e+00 (1.5778e+00)
""",
        7, 2.1677, 1.9030, epochs=1),
    PastedLog(
        "monodepth-style pipe table (Lite-Mono) after warnings",
        "https://github.com/noahzn/Lite-Mono/issues/98",
        """```
Training model named:
   run_one
Models and tensorboard events files are saved to:
   ./tmp
Training is using:
   cuda
/home/user1/miniconda3/envs/depth_env/lib/python3.10/site-packages/torchvision/transforms/transforms.py:329: UserWarning: Argument 'interpolation' of type int is deprecated since 0.25 and will be removed in 0.58. Please use InterpolationMode enum.
  warnings.warn(
Using split:
   data_split
There are 39810 training items and 4424 validation items

Training
epoch   0 | lr 0.000133 |lr_p 0.000133 | batch      0 | examples/s:   1.7 | loss: 0.83828 | time elapsed: 00h00m26s | time left: 00h00m00s
epoch   0 | lr 0.000133 |lr_p 0.000133 | batch    250 | examples/s:  22.3 | loss: 0.32326 | time elapsed: 00h03m34s | time left: 23h42m04s
epoch   0 | lr 0.000133 |lr_p 0.000133 | batch    500 | examples/s:  16.2 | loss: 0.21909 | time elapsed: 00h06m47s | time left: 22h23m44s
""",
        3, 0.83828, 0.21909, epochs=1),
    PastedLog(
        "Megatron-LLM training_log",
        "https://github.com/epfLLM/Megatron-LLM/issues/11",
        """ iteration      122/  250000 | consumed samples:       124928 | elapsed time per iteration (ms): 86545.4 | learning rate: 9.402E-06 | global batch size:  1024 | lm loss: 2.731298E+00 | loss scale: 1.0 | grad norm: 0.428 | number of skipped iterations:   0 | number of nan iterations:   0 |
 iteration      123/  250000 | consumed samples:       125952 | elapsed time per iteration (ms): 87871.1 | learning rate: 9.700E-06 | global batch size:  1024 | lm loss: 2.394683E+00 | loss scale: 1.0 | grad norm: 0.564 | number of skipped iterations:   0 | number of nan iterations:   0 |
 iteration      124/  250000 | consumed samples:       126976 | elapsed time per iteration (ms): 89474.9 | learning rate: 9.886E-06 | global batch size:  1024 | lm loss: 2.996371E+00 | loss scale: 1.0 | grad norm: 0.626 | number of skipped iterations:   0 | number of nan iterations:   0 |
 iteration      125/  250000 | consumed samples:       128000 | elapsed time per iteration (ms): 89075.3 | learning rate: 9.934E-06 | global batch size:  1024 | lm loss: 2.356794E+00 | loss scale: 1.0 | grad norm: 0.945 | number of skipped iterations:   0 | number of nan iterations:   0 |
""",
        4, 2.731298, 2.356794),
    PastedLog(
        "Time-Series-Library exp (iters/epoch lines, epoch summary with Vali/Test)",
        "https://github.com/kwuking/TimeMixer/issues/88",
        """\titers: 500, epoch: 36 | loss: 0.2629382
\tspeed: 1.6799s/iter; left time: 59497.2374s
Epoch: 36 cost time: 839.7203304351588
Epoch: 36, Steps: 569 | Train Loss: 0.4643066 Vali Loss: 0.3819362 Test Loss: 0.9347997
EarlyStopping counter: 5 out of 15
Updating learning rate to 0.00156288569162040
\titers: 100, epoch: 37 | loss: 0.2629920
\tspeed: 3.6955s/iter; left time: 198483.1637s
\titers: 200, epoch: 37 | loss: 0.8244398
\tspeed: 1.9653s/iter; left time: 59454.3965s
\titers: 300, epoch: 37 | loss: 0.2313827
\tspeed: 1.3987s/iter; left time: 58845.6716s
\titers: 400, epoch: 37 | loss: 0.5800684
\tspeed: 1.6799s/iter; left time: 58968.3455s
\titers: 500, epoch: 37 | loss: 0.6633158
\tspeed: 1.5613s/iter; left time: 58818.2518s
Epoch: 37 cost time: 832.6065710384728
Epoch: 37, Steps: 569 | Train Loss: 0.3027586 Vali Loss: 0.5964592 Test Loss: 0.9456610
EarlyStopping counter: 6 out of 15
Updating learning rate to 0.001107155670138223
\titers: 100, epoch: 38 | loss: 0.9062145
\tspeed: 3.1364s/iter; left time: 195229.6426s
\titers: 200, epoch: 38 | loss: 0.7668593
\tspeed: 1.3560s/iter; left time: 58130.1114s
\titers: 300, epoch: 38 | loss: 0.5527826
\tspeed: 1.2953s/iter; left time: 57841.1500s
\titers: 400, epoch: 38 | loss: 0.2003545
\tspeed: 1.2740s/iter; left time: 57540.0229s
\titers: 500, epoch: 38 | loss: 0.1648033
\tspeed: 1.2949s/iter; left time: 57537.8654s
""",
        11, 0.2629382, 0.1648033, epochs=3,
        not_loss=(0.4643066, 0.3819362, 0.9347997, 0.3027586, 0.5964592, 0.9456610)),
    PastedLog(
        "MetricLogger with a `closs` key (LLaMA2-Accessory)",
        "https://github.com/Alpha-VLLM/LLaMA2-Accessory/issues/48",
        """[09:51:07.867553] Epoch: [0]  [340/1504]  lr: 0.000023  closs: 1.1272 (1.8639)  grad_norm: 2.1243 (3.0028)  time: 4.7983  data: 0.0005  max mem: 51710
[09:51:53.766161] Epoch: [0]  [350/1504]  lr: 0.000023  closs: 1.1272 (1.7442)  grad_norm: 2.1243 (3.0028)  time: 4.8992  data: 0.0005  max mem: 51710
[09:52:39.552296] Epoch: [0]  [360/1504]  lr: 0.000023  closs: 1.3016 (1.7433)  grad_norm: 2.1243 (2.6771)  time: 4.8226  data: 0.0005  max mem: 51710
[09:53:25.198769] Epoch: [0]  [370/1504]  lr: 0.000023  closs: 1.3016 (1.6313)  grad_norm: 2.1243 (2.6771)  time: 4.6213  data: 0.0005  max mem: 51710
[09:54:10.899432] Epoch: [0]  [380/1504]  lr: 0.000023  closs: 1.2194 (1.5955)  grad_norm: 2.1243 (2.6771)  time: 4.4318  data: 0.0005  max mem: 51710
[09:54:53.853068] Epoch: [0]  [390/1504]  lr: 0.000023  closs: 1.1066 (1.5334)  grad_norm: 1.9797 (2.6111)  time: 4.3966  data: 0.0005  max mem: 51710
[09:55:35.269436] Epoch: [0]  [400/1504]  lr: 0.000023  closs: 0.7891 (1.5186)  grad_norm: 1.9797 (2.6111)  time: 4.3080  data: 0.0005  max mem: 51710
[09:56:16.707869] Epoch: [0]  [410/1504]  lr: 0.000023  closs: 0.3247 (1.5043)  grad_norm: 1.9797 (2.6111)  time: 4.1560  data: 0.0003  max mem: 51710
[09:57:00.604882] Epoch: [0]  [420/1504]  lr: 0.000023  closs: 1.0162 (1.4160)  grad_norm: 1.9797 (2.1848)  time: 4.3873  data: 0.0003  max mem: 51710
""",
        9, 1.1272, 1.0162, epochs=1),
    PastedLog(
        "Keras 1 progbar, one line per epoch (no val)",
        "https://github.com/calclavia/DeepJ/issues/49",
        """```
Epoch 60/1000
10954/10954 [==============================] - 659s - loss: 0.0461
Epoch 61/1000
10954/10954 [==============================] - 658s - loss: 0.0413
Epoch 62/1000
10954/10954 [==============================] - 658s - loss: 0.0194
Epoch 63/1000
10954/10954 [==============================] - 659s - loss: 0.0116
Epoch 64/1000
10954/10954 [==============================] - 658s - loss: 0.0168
Epoch 65/1000
10954/10954 [==============================] - 658s - loss: 0.0680
Epoch 66/1000
10954/10954 [==============================] - 659s - loss: 0.0908
Epoch 67/1000
10954/10954 [==============================] - 657s - loss: 0.0797
```
""",
        8, 0.0461, 0.0797, epochs=8, per_epoch=True),
    PastedLog(
        "Keras progbar per epoch with val_loss (Q&A paste)",
        "https://intellipaat.com/community/21026/how-to-understand-loss-acc-valloss-valacc-in-keras-model-fitting",
        """Train on 4160 samples, validate on 1040 samples, printed:

```
Epoch 1/20
4160/4160 - loss: 3.5101 - acc: 0.1637 - val_loss: 1.6764 - val_acc: 0.3945
Epoch 2/20
4160/4160 - loss: 1.7645 - acc: 0.3924 - val_loss: 0.4597 - val_acc: 0.5036
Epoch 3/20
4160/4160 - loss: 1.0343 - acc: 0.4442 - val_loss: 0.3741 - val_acc: 0.6525
Epoch 4/20
4160/4160 - loss: 0.4957 - acc: 0.4826 - val_loss: 0.2971 - val_acc: 0.7555
Epoch 5/20
4160/4160 - loss: 0.4265 - acc: 0.4923 - val_loss: 0.2207 - val_acc: 0.7491
Epoch 6/20
4160/4160 - loss: 0.4125 - acc: 0.5296 - val_loss: 0.1501 - val_acc: 0.8189
Epoch 7/20
4160/4160 - loss: 0.3758 - acc: 0.5371 - val_loss: 0.1472 - val_acc: 0.7705
Epoch 8/20
4160/4160 - loss: 0.3751 - acc: 0.5372 - val_loss: 0.1243 - val_acc: 0.7944
Epoch 9/20
4160/4160 - loss: 0.3481 - acc: 0.5467 - val_loss: 0.1094 - val_acc: 0.8620
Epoch 10/20
4160/4160 - loss: 0.3204 - acc: 0.5643 - val_loss: 0.1333 - val_acc: 0.7814
Epoch 11/20
4160/4160 - loss: 0.2997 - acc: 0.6026 - val_loss: 0.0207 - val_acc: 0.9110
Epoch 12/20
4160/4160 - loss: 0.3170 - acc: 0.5671 - val_loss: 0.0255 - val_acc: 0.8719
Epoch 13/20
4160/4160 - loss: 0.2711 - acc: 0.5809 - val_loss: 0.0237 - val_acc: 0.8136
Epoch 14/20
4160/4160 - loss: 0.2700 - acc: 0.6094 - val_loss: 0.0221 - val_acc: 0.8448
Epoch 15/20
4160/4160 - loss: 0.2533 - acc: 0.6223 - val_loss: 0.0193 - val_acc: 0.8750
Epoch 16/20
4160/4160 - loss: 0.2358 - acc: 0.6449 - val_loss: 0.0153 - val_acc: 0.9416
Epoch 17/20
4160/4160 - loss: 0.2287 - acc: 0.7112 - val_loss: 0.0126 - val_acc: 0.9700
Epoch 18/20
4160/4160 - loss: 0.1945 - acc: 0.6950 - val_loss: 0.0174 - val_acc: 0.8189
Epoch 19/20
4160/4160 - loss: 0.1975 - acc: 0.6843 - val_loss: 0.0119 - val_acc: 0.9524
Epoch 20/20
4160/4160 - loss: 0.1736 - acc: 0.7422 - val_loss: 0.0141 - val_acc: 0.8635
```
""",
        20, 3.5101, 0.1736, epochs=20, per_epoch=True,
        not_loss=(1.6764, 0.4597, 0.3741, 0.2971, 0.0141)),
    PastedLog(
        "hand-written epoch summary (train loss - validation loss)",
        "https://stats.stackexchange.com/questions/284072/is-it-acceptable-to-have-a-slightly-lower-validation-loss-than-training-loss",
        """These figures came from the early epochs of this model:

Epoch 1: train loss: 1041.78 - validation loss: 1045.10
Epoch 2: train loss: 750.81  - validation loss: 749.14
Epoch 3: train loss: 425.66  - validation loss: 423.56
Epoch 4: train loss: 320.38  - validation loss: 319.65
Epoch 5: train loss: 305.85  - validation loss: 305.01

From the second epoch on, the right-hand column stays a little under the left-hand one here.
""",
        5, 1041.78, 305.85, epochs=5, per_epoch=True,
        not_loss=(1045.10, 749.14, 423.56, 319.65, 305.01)),
    PastedLog(
        "TF-Slim learning.py, every line twice (two handlers)",
        "https://github.com/tensorflow/models/issues/2980",
        """INFO:tensorflow:Recording summary at step 0.
INFO:tensorflow:Recording summary at step 0.
INFO:tensorflow:global step 1: loss = 79.8546 (57.118 sec/step)
INFO:tensorflow:global step 1: loss = 79.8546 (57.118 sec/step)
INFO:tensorflow:global step 2: loss = 72.7326 (17.016 sec/step)
INFO:tensorflow:global step 2: loss = 72.7326 (17.016 sec/step)
INFO:tensorflow:global step 3: loss = 67.5646 (16.674 sec/step)
INFO:tensorflow:global step 3: loss = 67.5646 (16.674 sec/step)
INFO:tensorflow:global step 4: loss = 64.8478 (16.870 sec/step)
INFO:tensorflow:global step 4: loss = 64.8478 (16.870 sec/step)
INFO:tensorflow:Recording summary at step 4.
INFO:tensorflow:Recording summary at step 4.
INFO:tensorflow:global_step/sec: 0.0874558
INFO:tensorflow:global_step/sec: 0.0874558
INFO:tensorflow:global step 5: loss = 62.4199 (20.349 sec/step)
INFO:tensorflow:global step 5: loss = 62.4199 (20.349 sec/step)
INFO:tensorflow:global step 6: loss = 60.2985 (17.069 sec/step)
INFO:tensorflow:global step 6: loss = 60.2985 (17.069 sec/step)
INFO:tensorflow:global step 7: loss = 59.4131 (16.411 sec/step)
INFO:tensorflow:global step 7: loss = 59.4131 (16.411 sec/step)
INFO:tensorflow:global step 8: loss = 57.4476 (16.721 sec/step)
INFO:tensorflow:global step 8: loss = 57.4476 (16.721 sec/step)
""",
        8, 79.8546, 57.4476),
    PastedLog(
        "TF-Slim learning.py, duplicated lines (excerpt starts mid-pair)",
        "https://github.com/tensorflow/models/issues/5817",
        """INFO:tensorflow:global step 90: loss = 0.7479 (1.549 sec/step)
INFO:tensorflow:global step 91: loss = 0.6479 (1.935 sec/step)
INFO:tensorflow:global step 91: loss = 0.6479 (1.935 sec/step)
INFO:tensorflow:global step 92: loss = 0.4219 (1.189 sec/step)
INFO:tensorflow:global step 92: loss = 0.4219 (1.189 sec/step)
INFO:tensorflow:global step 93: loss = 0.8202 (1.282 sec/step)
INFO:tensorflow:global step 93: loss = 0.8202 (1.282 sec/step)
INFO:tensorflow:global step 94: loss = 0.7347 (1.140 sec/step)
INFO:tensorflow:global step 94: loss = 0.7347 (1.140 sec/step)
INFO:tensorflow:global step 95: loss = 0.9012 (1.728 sec/step)
INFO:tensorflow:global step 95: loss = 0.9012 (1.728 sec/step)
INFO:tensorflow:global step 96: loss = 0.9957 (1.679 sec/step)
INFO:tensorflow:global step 96: loss = 0.9957 (1.679 sec/step)
INFO:tensorflow:global step 97: loss = 0.2283 (1.419 sec/step)
INFO:tensorflow:global step 97: loss = 0.2283 (1.419 sec/step)
INFO:tensorflow:global step 98: loss = 0.2403 (1.852 sec/step)
INFO:tensorflow:global step 98: loss = 0.2403 (1.852 sec/step)
INFO:tensorflow:global step 99: loss = 0.5518 (1.261 sec/step)
INFO:tensorflow:global step 99: loss = 0.5518 (1.261 sec/step)
INFO:tensorflow:global step 100: loss = 0.3750 (1.845 sec/step)
INFO:tensorflow:global step 100: loss = 0.3750 (1.845 sec/step)
INFO:tensorflow:global step 101: loss = 0.4643 (1.453 sec/step)
""",
        12, 0.7479, 0.4643),
    PastedLog(
        "TF2 Object Detection model_lib_v2 (INFO and absl copies)",
        "https://github.com/armaanpriyadarshan/Training-a-Custom-TensorFlow-2.X-Object-Detector/issues/6",
        """console output while it runs
I0321 00:38:33.254218 140213355812352 model_lib_v2.py:652] Step 100 per-step time 0.612s loss=1.732
INFO:tensorflow:Step 200 per-step time 0.883s loss=1.173
I0321 00:39:57.274096 140213355812352 model_lib_v2.py:652] Step 200 per-step time 0.883s loss=1.173
INFO:tensorflow:Step 300 per-step time 0.966s loss=1.507
I0321 00:41:19.529966 140213355812352 model_lib_v2.py:652] Step 300 per-step time 0.966s loss=1.507
INFO:tensorflow:Step 400 per-step time 0.456s loss=1.675
I0321 00:42:38.171070 140213355812352 model_lib_v2.py:652] Step 400 per-step time 0.456s loss=1.675
INFO:tensorflow:Step 500 per-step time 0.146s loss=1.768
I0321 00:43:56.180271 140213355812352 model_lib_v2.py:652] Step 500 per-step time 0.146s loss=1.768
INFO:tensorflow:Step 600 per-step time 0.754s loss=1.398
I0321 00:45:18.024692 140213355812352 model_lib_v2.py:652] Step 600 per-step time 0.754s loss=1.398
INFO:tensorflow:Step 700 per-step time 0.306s loss=1.852
I0321 00:46:39.579836 140213355812352 model_lib_v2.py:652] Step 700 per-step time 0.306s loss=1.852
INFO:tensorflow:Step 800 per-step time 0.366s loss=2.620
I0321 00:48:01.441587 140213355812352 model_lib_v2.py:652] Step 800 per-step time 0.366s loss=2.620
INFO:tensorflow:Step 900 per-step time 0.612s loss=2.906
""",
        9, 1.732, 2.906),
    PastedLog(
        "TF-Slim learning.py with absl copies",
        "https://github.com/EdjeElectronics/TensorFlow-Object-Detection-API-Tutorial-Train-Multiple-Objects-Windows-10/issues/461",
        """INFO:tensorflow:global step 89: loss = 0.4944 (1.633 sec/step)
I1107 08:00:06.973053   364 learning.py:507] global step 89: loss = 0.4944 (1.633 sec/step)
INFO:tensorflow:global step 90: loss = 0.1798 (2.754 sec/step)
I1107 08:00:09.083998   364 learning.py:507] global step 90: loss = 0.1798 (2.754 sec/step)
INFO:tensorflow:global step 91: loss = 0.9744 (1.373 sec/step)
I1107 08:00:10.553675   364 learning.py:507] global step 91: loss = 0.9744 (1.373 sec/step)
INFO:tensorflow:global step 92: loss = 0.7924 (1.188 sec/step)
I1107 08:00:11.923649   364 learning.py:507] global step 92: loss = 0.7924 (1.188 sec/step)
INFO:tensorflow:global step 93: loss = 0.4045 (1.447 sec/step)
I1107 08:00:13.399266   364 learning.py:507] global step 93: loss = 0.4045 (1.447 sec/step)
INFO:tensorflow:global step 94: loss = 1.7677 (1.521 sec/step)
I1107 08:00:14.923787   364 learning.py:507] global step 94: loss = 1.7677 (1.521 sec/step)
INFO:tensorflow:global step 95: loss = 0.5103 (1.210 sec/step)
I1107 08:00:16.359464   364 learning.py:507] global step 95: loss = 0.5103 (1.210 sec/step)
INFO:tensorflow:global step 96: loss = 0.1286 (1.793 sec/step)
I1107 08:00:18.114869   364 learning.py:507] global step 96: loss = 0.1286 (1.793 sec/step)
""",
        8, 0.4944, 0.1286),
    PastedLog(
        "YOLOv5 results.txt rows pasted without header",
        "https://github.com/ultralytics/yolov5/issues/2552",
        """      0/89     5.59G   0.04867    0.0315   0.02185     0.121         7       640    0.5586    0.1611    0.2364    0.1345   0.03880   0.01522  0.002305
      1/89     5.59G   0.04521   0.02339  0.002399   0.04880         7       640    0.3709    0.4938    0.4643    0.2052   0.03749   0.00323  0.001346
      2/89     5.59G    0.0417   0.02022  0.002254   0.04765         7       640    0.5394    0.5638    0.5868    0.2544   0.03173  0.002797  0.001385
      3/89     5.59G   0.03913   0.01876  0.002041   0.04626         6       640    0.2865    0.6556    0.4320    0.1350    0.0341  0.003098  0.001609
      4/89     5.59G    0.0378   0.01864  0.002204   0.04606         4       640    0.6985    0.6275    0.7685    0.3665   0.02953  0.002983  0.001438
      5/89     5.59G   0.03637   0.01709  0.001921   0.04469         5       640     0.725    0.5975    0.6669    0.3325   0.03161  0.002904  0.001159
      6/89     5.59G   0.03340   0.01584  0.002018   0.04360         5       640    0.8039    0.7634    0.8215    0.3818   0.02721  0.002783  0.001308
      7/89     5.59G   0.03303   0.01364  0.001791    0.0419         8       640     0.841    0.7882    0.8510    0.4000   0.02652  0.002734 0.0001115
      8/89     5.59G   0.03168   0.01165  0.001557    0.0398         4       640    0.9221    0.8204    0.9343    0.4335     0.025  0.002576  0.001034
""",
        9, 0.121, 0.0398, epochs=9, per_epoch=True, not_loss=(0.03880, 0.025)),
    PastedLog(
        "YOLOv8 console, epoch lines with validation rows",
        "https://github.com/ultralytics/ultralytics/issues/21765",
        """```
                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95): 100%|██████████| 66/66 [00:37<00:00,  1.56it/s]
                   all       1049       1164      0.602      0.945      0.413      0.321

      Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size
      22/55      9.01G     0.2814      5.944      2.864         17        640: 100%|██████████| 954/954 [11:33<00:00,  1.47it/s]
                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95): 100%|██████████| 66/66 [00:37<00:00,  1.56it/s]
                   all       1049       1164      0.768      0.962      0.843       0.55

      Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size
      23/55      9.04G     0.1830       5.11      2.432         19        640: 100%|██████████| 954/954 [11:52<00:00,  1.17it/s]
                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95): 100%|██████████| 66/66 [00:37<00:00,  1.56it/s]
                   all       1049       1164      0.882      0.927      0.685      0.460

      Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size
      24/55      9.04G     0.2717      5.277      2.778         15        640: 100%|██████████| 954/954 [11:32<00:00,  1.47it/s]
""",
        3, 0.2814 + 5.944 + 2.864, 0.2717 + 5.277 + 2.778, epochs=3, per_epoch=True),
    PastedLog(
        "Hugging Face dicts with step and extra keys",
        "https://github.com/awslabs/fast-differential-privacy/issues/48",
        """```
{'loss': 1257.2358689747, 'learning_rate': 0.003, 'epoch': 0.031883390181700910, 'total_flos': 52080157753344, 'step': 1, 'num_params': 163038720, 'num_non_embedding_params': 85056000}
{'loss': 2634.62129805, 'learning_rate': 0.003, 'epoch': 0.03681080040128220, 'total_flos': 104279023484928, 'step': 2, 'num_params': 163038720, 'num_non_embedding_params': 85056000}
{'loss': 1867.01132810603, 'learning_rate': 0.003, 'epoch': 0.04979477183634953, 'total_flos': 156819174653952, 'step': 3, 'num_params': 163038720, 'num_non_embedding_params': 85056000}
{'loss': 1691.023246546, 'learning_rate': 0.003, 'epoch': 0.06126449030493848, 'total_flos': 208943847899136, 'step': 4, 'num_params': 163038720, 'num_non_embedding_params': 85056000}
{'loss': 1430.44559180206, 'learning_rate': 0.003, 'epoch': 0.41998306255186426, 'total_flos': 261608642445312, 'step': 5, 'num_params': 163038720, 'num_non_embedding_params': 85056000}
{'loss': 2163.261, 'learning_rate': 0.003, 'epoch': 0.88619121725538225, 'total_flos': 313546350624768, 'step': 6, 'num_params': 163038720, 'num_non_embedding_params': 85056000}
""",
        6, 1257.2358689747, 2163.261),
    PastedLog(
        "VISSL LogLossLrEtaHook (Rank: 0; [ep: 0] iter:)",
        "https://github.com/facebookresearch/vissl/issues/480",
        """```
INFO 2023-12-20 18:59:44,476 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 57; lr: 0.25666; loss: 2.73612; btime(ms): 192; eta: 0:00:08; peak_mem(M): 4176;
INFO 2023-12-20 18:59:44,605 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 58; lr: 0.43317; loss: 2.47712; btime(ms): 191; eta: 0:00:08; peak_mem(M): 4176;
INFO 2023-12-20 18:59:44,741 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 59; lr: 0.44126; loss: 2.2016; btime(ms): 189; eta: 0:00:07; peak_mem(M): 4176;
INFO 2023-12-20 18:59:44,867 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 60; lr: 0.48953; loss: 2.26039; btime(ms): 189; eta: 0:00:07; peak_mem(M): 4176;
INFO 2023-12-20 18:59:44,998 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 61; lr: 0.70048; loss: 2.7802; btime(ms): 188; eta: 0:00:07; peak_mem(M): 4176;
INFO 2023-12-20 18:59:45,127 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 62; lr: 0.7690; loss: 2.23392; btime(ms): 187; eta: 0:00:07; peak_mem(M): 4176;
INFO 2023-12-20 18:59:45,259 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 63; lr: 1.05928; loss: 2.67045; btime(ms): 186; eta: 0:00:06; peak_mem(M): 4176;
INFO 2023-12-20 18:59:45,392 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 64; lr: 1.09703; loss: 2.76615; btime(ms): 185; eta: 0:00:06; peak_mem(M): 4176;
""",
        8, 2.73612, 2.76615, epochs=1),
    PastedLog(
        "custom print Epoch:[e/E](i/N) loss: (minimind)",
        "https://github.com/jingyaogong/minimind/issues/26",
        """##### Epoch0
loss数值如下：
```log
Epoch:[0/19](0/24681) loss:8.643 lr:0.00030409 epoch_Time:372.0min:
Epoch:[0/19](100/24681) loss:5.410 lr:0.00030409 epoch_Time:98.0min:
Epoch:[0/19](200/24681) loss:4.480 lr:0.00030409 epoch_Time:96.0min:
Epoch:[0/19](300/24681) loss:4.396 lr:0.00030409 epoch_Time:94.0min:
Epoch:[0/19](400/24681) loss:4.027 lr:0.00030409 epoch_Time:93.0min:
Epoch:[0/19](500/24681) loss:3.875 lr:0.00030409 epoch_Time:93.0min:
Epoch:[0/19](600/24681) loss:3.974 lr:0.00030409 epoch_Time:92.0min:
Epoch:[0/19](700/24681) loss:3.531 lr:0.00030409 epoch_Time:92.0min:
Epoch:[0/19](800/24681) loss:3.635 lr:0.00030409 epoch_Time:91.0min:
Epoch:[0/19](900/24681) loss:3.512 lr:0.00030409 epoch_Time:91.0min:
Epoch:[0/19](1000/24681) loss:3.286 lr:0.00030409 epoch_Time:91.0min:
Epoch:[0/19](1100/24681) loss:2.490 lr:0.00030409 epoch_Time:90.0min:
Epoch:[0/19](1200/24681) loss:2.734 lr:0.00030409 epoch_Time:90.0min:
Epoch:[0/19](1300/24681) loss:3.019 lr:0.00030409 epoch_Time:90.0min:
Epoch:[0/19](1400/24681) loss:2.446 lr:0.00030409 epoch_Time:88.0min:
Epoch:[0/19](1500/24681) loss:2.441 lr:0.00030409 epoch_Time:88.0min:
Epoch:[0/19](1600/24681) loss:2.275 lr:0.00017986 epoch_Time:87.0min:
Epoch:[0/19](1700/24681) loss:2.397 lr:0.00017986 epoch_Time:87.0min:
Epoch:[0/19](1800/24681) loss:2.306 lr:0.00017986 epoch_Time:87.0min:
""",
        19, 8.643, 2.306, epochs=1),
    PastedLog(
        "Horovod rank prefix [1,0]<stdout>: on a logger line",
        "https://github.com/aws-samples/deep-learning-models/issues/45",
        """```
[1,0]<stdout>:2022-05-30 10:00:37,872 __main__    : INFO     Train step 1040 -- Loss: 11.662, MLM: 10.718, SOP: 0.945, MLM_acc: 0.000, SOP_acc: 0.400 -- It/s: 1.46
[1,0]<stdout>:2022-05-30 10:00:43,739 __main__    : INFO     Train step 1050 -- Loss: 11.662, MLM: 10.701, SOP: 0.981, MLM_acc: 0.000, SOP_acc: 0.189 -- It/s: 1.72
[1,0]<stdout>:2022-05-30 10:00:49,588 __main__    : INFO     Train step 1060 -- Loss: 11.666, MLM: 10.892, SOP: 0.895, MLM_acc: 0.000, SOP_acc: 0.503 -- It/s: 1.75
[1,0]<stdout>:2022-05-30 10:00:55,579 __main__    : INFO     Train step 1070 -- Loss: 11.489, MLM: 10.348, SOP: 0.945, MLM_acc: 0.000, SOP_acc: 0.312 -- It/s: 1.18
[1,0]<stdout>:2022-05-30 10:01:01,553 __main__    : INFO     Train step 1080 -- Loss: 11.284, MLM: 10.531, SOP: 0.740, MLM_acc: 0.000, SOP_acc: 0.666 -- It/s: 1.18
[1,0]<stdout>:2022-05-30 10:01:07,455 __main__    : INFO     Train step 1090 -- Loss: 11.440, MLM: 10.718, SOP: 0.815, MLM_acc: 0.000, SOP_acc: 0.570 -- It/s: 1.46
[1,0]<stdout>:2022-05-30 10:01:13,317 __main__    : INFO     Train step 1100 -- Loss: 11.662, MLM: 10.755, SOP: 0.867, MLM_acc: 0.000, SOP_acc: 0.430 -- It/s: 1.75
[1,0]<stdout>:2022-05-30 10:01:19,180 __main__    : INFO     Train step 1110 -- Loss: 11.834, MLM: 10.755, SOP: 0.981, MLM_acc: 0.000, SOP_acc: 0.111 -- It/s: 1.75
""",
        8, 11.662, 11.834),
    PastedLog(
        "GluonNLP logger Batch: i/N, Loss=",
        "https://github.com/dmlc/gluon-nlp/issues/1204",
        """```
INFO:gluonnlp:20:13:36 Batch: 5749/7387, Loss=4.7648, lr=0.0000933 Thoughput=45.62 samples/s
INFO:gluonnlp:20:13:49 Batch: 5799/7387, Loss=4.9800, lr=0.0000922 Thoughput=45.19 samples/s
INFO:gluonnlp:20:14:04 Batch: 5849/7387, Loss=4.3073, lr=0.0000911 Thoughput=39.63 samples/s
INFO:gluonnlp:20:14:17 Batch: 5899/7387, Loss=4.8668, lr=0.0000827 Thoughput=45.11 samples/s
INFO:gluonnlp:20:14:31 Batch: 5949/7387, Loss=4.6187, lr=0.0000716 Thoughput=44.88 samples/s
INFO:gluonnlp:20:14:44 Batch: 5999/7387, Loss=4.1368, lr=0.0000696 Thoughput=46.81 samples/s
INFO:gluonnlp:20:14:57 Batch: 6049/7387, Loss=4.2888, lr=0.0000639 Thoughput=44.41 samples/s
INFO:gluonnlp:20:15:10 Batch: 6099/7387, Loss=4.2030, lr=0.0000564 Thoughput=46.51 samples/s
INFO:gluonnlp:20:15:23 Batch: 6149/7387, Loss=4.7062, lr=0.0000443 Thoughput=45.51 samples/s
INFO:gluonnlp:20:15:36 Batch: 6199/7387, Loss=4.0123, lr=0.0000389 Thoughput=47.01 samples/s
INFO:gluonnlp:20:15:50 Batch: 6249/7387, Loss=4.4909, lr=0.0000288 Thoughput=43.69 samples/s
INFO:gluonnlp:20:16:03 Batch: 6299/7387, Loss=4.3817, lr=0.0000257 Thoughput=44.35 samples/s
INFO:gluonnlp:20:16:17 Batch: 6349/7387, Loss=4.6856, lr=0.0000201 Thoughput=42.79 samples/s
INFO:gluonnlp:20:16:31 Batch: 6399/7387, Loss=4.5305, lr=0.0000106 Thoughput=44.46 samples/s
""",
        14, 4.7648, 4.5305),
    PastedLog(
        "OpenOCR / PaddleOCR global_step logger",
        "https://github.com/Topdu/OpenOCR/issues/9",
        """```shell
[2025/10/08 16:33:20] openrec INFO: epoch: [1/2], global_step: 100, lr: 0.000001, loss: 69.357960, avg_reader_cost: 0.00144 s, avg_batch_cost: 0.20491 s, avg_samples: 64.0, ips: 355.73092 samples/s, eta: 0:32:33
[2025/10/08 16:33:22] openrec INFO: epoch: [1/2], global_step: 110, lr: 0.000001, loss: 63.671584, avg_reader_cost: 0.04857 s, avg_batch_cost: 0.48272 s, avg_samples: 64.0, ips: 352.54948 samples/s, eta: 0:32:12
[2025/10/08 16:33:24] openrec INFO: epoch: [1/2], global_step: 120, lr: 0.000002, loss: 63.202688, avg_reader_cost: 0.05038 s, avg_batch_cost: 0.90159 s, avg_samples: 64.0, ips: 350.71996 samples/s, eta: 0:31:55
[2025/10/08 16:33:26] openrec INFO: epoch: [1/2], global_step: 130, lr: 0.000002, loss: 61.723086, avg_reader_cost: 0.01245 s, avg_batch_cost: 0.45025 s, avg_samples: 64.0, ips: 352.75126 samples/s, eta: 0:31:40
[2025/10/08 16:33:27] openrec INFO: epoch: [1/2], global_step: 140, lr: 0.000003, loss: 59.501701, avg_reader_cost: 0.03616 s, avg_batch_cost: 0.69456 s, avg_samples: 64.0, ips: 352.50011 samples/s, eta: 0:31:27
[2025/10/08 16:33:29] openrec INFO: epoch: [1/2], global_step: 150, lr: 0.000003, loss: 60.264256, avg_reader_cost: 0.02518 s, avg_batch_cost: 0.87144 s, avg_samples: 64.0, ips: 352.21528 samples/s, eta: 0:31:15
""",
        6, 69.357960, 60.264256, epochs=1),
    PastedLog(
        "PaddleSeg [TRAIN] epoch/iter logger",
        "https://github.com/PaddlePaddle/PaddleSeg/pull/928",
        """- log:
```
2023-04-11 15:57:52 [INFO]\t[TRAIN] epoch: 1, iter: 20/500, loss: 2.0242, lr: 0.006432, batch_cost: 0.7888, reader_cost: 0.01252, ips: 3.7095 samples/sec | ETA 00:04:16
2023-04-11 15:57:59 [INFO]\t[TRAIN] epoch: 1, iter: 40/500, loss: 1.9833, lr: 0.005918, batch_cost: 0.1433, reader_cost: 0.00373, ips: 5.8127 samples/sec | ETA 00:02:40
2023-04-11 15:58:06 [INFO]\t[TRAIN] epoch: 1, iter: 60/500, loss: 1.3416, lr: 0.005394, batch_cost: 0.4512, reader_cost: 0.00298, ips: 5.4721 samples/sec | ETA 00:02:35
2023-04-11 15:58:13 [INFO]\t[TRAIN] epoch: 1, iter: 80/500, loss: 1.6059, lr: 0.005253, batch_cost: 0.3103, reader_cost: 0.00223, ips: 5.7720 samples/sec | ETA 00:02:27
2023-04-11 15:58:20 [INFO]\t[TRAIN] epoch: 1, iter: 100/500, loss: 1.3883, lr: 0.005097, batch_cost: 0.4145, reader_cost: 0.00158, ips: 5.7168 samples/sec | ETA 00:02:20
2023-04-11 15:58:28 [INFO]\t[TRAIN] epoch: 1, iter: 120/500, loss: 1.6686, lr: 0.004851, batch_cost: 0.7484, reader_cost: 0.00217, ips: 5.1110 samples/sec | ETA 00:02:22
2023-04-11 15:58:35 [INFO]\t[TRAIN] epoch: 1, iter: 140/500, loss: 1.2840, lr: 0.004288, batch_cost: 0.6446, reader_cost: 0.00101, ips: 5.3416 samples/sec | ETA 00:02:14
""",
        7, 2.0242, 1.2840, epochs=1),
    PastedLog(
        "PaddleOCR 2.0 root logger (acc before loss)",
        "https://github.com/PaddlePaddle/PaddleOCR/pull/1181",
        """```bash
[2023/01/14 16:54:18] root INFO: During the training process, after the 0th iteration, an evaluation is run every 1171 iterations
[2023/01/14 16:54:26] root INFO: epoch: [0/100], iter: 10, lr: 0.002046, acc: 0.573147, loss: 0.886632, reader_cost: 6.06783 s, batch_cost: 6.48945 s, samples: 5632, ips: 89.75673
[2023/01/14 16:54:32] root INFO: epoch: [0/100], iter: 20, lr: 0.002046, acc: 0.268588, loss: 0.849667, reader_cost: 2.26579 s, batch_cost: 2.70608 s, samples: 5120, ips: 198.84351
[2023/01/14 16:54:37] root INFO: epoch: [0/100], iter: 30, lr: 0.002046, acc: 0.259292, loss: 0.837470, reader_cost: 2.32196 s, batch_cost: 2.76928 s, samples: 5120, ips: 198.51194
[2023/01/14 16:54:42] root INFO: epoch: [0/100], iter: 40, lr: 0.002046, acc: 0.268588, loss: 0.598713, reader_cost: 2.39618 s, batch_cost: 2.92257 s, samples: 5120, ips: 196.21957
[2023/01/14 16:54:47] root INFO: epoch: [0/100], iter: 50, lr: 0.002046, acc: 0.534291, loss: 0.598713, reader_cost: 2.54079 s, batch_cost: 2.96020 s, samples: 5120, ips: 195.69942
[2023/01/14 16:54:52] root INFO: epoch: [0/100], iter: 60, lr: 0.002046, acc: 0.425229, loss: 0.736516, reader_cost: 2.15756 s, batch_cost: 2.56298 s, samples: 5120, ips: 199.96174
""",
        6, 0.886632, 0.736516, epochs=1),
    PastedLog(
        "DeiT-style log.txt JSON per epoch (train_loss, test_loss)",
        "https://github.com/yuhuan-wu/P2T/issues/13",
        """````
{"train_lr": 0.0009774614801481423, "train_loss": 3.7491026737681452, "epoch": 147, "n_parameters": 11590840}
{"train_lr": 0.000612966254941422, "train_loss": 3.5529276145811992, "epoch": 148, "n_parameters": 11590840}
{"train_lr": 0.0006059188688938551, "train_loss": 3.8745902870119117, "epoch": 149, "n_parameters": 11590840}
{"train_lr": 0.0006056714613344696, "train_loss": 3.917453875177101, "test_loss": 1.255567778711187, "test_acc1": 74.59139706735589, "test_acc5": 92.8153725861336, "epoch": 150, "n_parameters": 11590840}
{"train_lr": 0.0005899905645299382, "train_loss": 3.6047352154603371, "epoch": 151, "n_parameters": 11590840}
{"train_lr": 0.0005342548254307484, "train_loss": 3.4528183943001841, "epoch": 152, "n_parameters": 11590840}
{"train_lr": 0.0004623632879126224, "train_loss": 3.3313730933829018, "epoch": 153, "n_parameters": 11590840}
{"train_lr": 0.0003668332620748611, "train_loss": 3.29823371073536, "epoch": 154, "n_parameters": 11590840}
{"train_lr": 0.0002309037221675558, "train_loss": 3.4156917333061481, "epoch": 155, "n_parameters": 11590840}
{"train_lr": 0.00016518734106023540, "train_loss": 3.3413180931563905, "epoch": 156, "n_parameters": 11590840}
{"train_lr": 0.00012266356232208905, "train_loss": 3.242708572589372, "epoch": 157, "n_parameters": 11590840}
""",
        11, 3.7491026737681452, 3.242708572589372, epochs=11, per_epoch=True,
        not_loss=(1.255567778711187,)),
    PastedLog(
        "fairseq --log-format json, per epoch with valid records",
        "https://github.com/facebookresearch/fairseq/issues/233",
        """```
{"epoch": 9, "valid_loss": 3.745951006952438, "valid_nll_loss": 1.5153823654310807, "valid_ppl": "2.32"}
{"epoch": 10, "loss": "3.788", "nll_loss": "1.791", "ppl": "2.55", "wps": 1671182, "ups": "2.6", "wpb": 617154, "bsz": 16625, "num_updates": 21497, "lr": 0.00019680289508649272, "gnorm": "0.969", "clip": "100%", "oom": 0.02615220504782308, "loss_scale": "8.000", "wall": 8285}
{"epoch": 10, "valid_loss": 3.4121758121401, "valid_nll_loss": 1.2428938484702513, "valid_ppl": "2.19"}
{"epoch": 11, "loss": "3.560", "nll_loss": "1.743", "ppl": "2.48", "wps": 1622867, "ups": "2.3", "wpb": 617154, "bsz": 16625, "num_updates": 23647, "lr": 0.00019247658267908982, "gnorm": "0.412", "clip": "100%", "oom": 0.016337430851742787, "loss_scale": "8.000", "wall": 9125}
{"epoch": 11, "valid_loss": 3.2979822599318256, "valid_nll_loss": 1.233005413139318, "valid_ppl": "2.15"}
{"epoch": 12, "loss": "3.357", "nll_loss": "1.604", "ppl": "2.38", "wps": 1704381, "ups": "2.9", "wpb": 617156, "bsz": 16626, "num_updates": 25797, "lr": 0.0001310682707894311, "gnorm": "0.317", "clip": "100%", "oom": 0.018861690805744398, "loss_scale": "4.000", "wall": 9927}
{"epoch": 12, "valid_loss": 3.289820762382216, "valid_nll_loss": 1.1360141547640440, "valid_ppl": "2.13"}
""",
        3, 3.788, 3.357, epochs=3, per_epoch=True,
        not_loss=(3.745951006952438, 3.4121758121401, 3.2979822599318256, 3.289820762382216)),
    PastedLog(
        "mmdet 1.x with grad_norm after the total (epoch 19)",
        "https://github.com/LiamLian0727/WaterMask/issues/3",
        """2026-04-28 06:09:26,497 - mmdet - INFO - Epoch [19][1000/1969]  lr: 2.852e-03, eta: 9:44:51, time: 0.986, data_time: 0.021, memory: 10150, loss_rpn_cls: 0.0258, loss_rpn_bbox: 0.0407, loss_cls: 0.2164, acc: 92.3737, loss_bbox: 0.3561, loss_lcf: 0.7330, loss: 1.0242, grad_norm: 4.3785
2026-04-28 06:10:17,295 - mmdet - INFO - Epoch [19][1050/1969]  lr: 2.852e-03, eta: 9:44:00, time: 1.019, data_time: 0.031, memory: 10150, loss_rpn_cls: 0.0505, loss_rpn_bbox: 0.0505, loss_cls: 0.2332, acc: 92.3573, loss_bbox: 0.3735, loss_lcf: 0.9114, loss: 1.0666, grad_norm: 5.3423
2026-04-28 06:11:09,171 - mmdet - INFO - Epoch [19][1100/1969]  lr: 2.852e-03, eta: 9:43:10, time: 1.042, data_time: 0.013, memory: 10150, loss_rpn_cls: 0.0368, loss_rpn_bbox: 0.0470, loss_cls: 0.3900, acc: 91.2892, loss_bbox: 0.4251, loss_lcf: 0.8287, loss: 1.0766, grad_norm: 5.9940
2026-04-28 06:12:01,825 - mmdet - INFO - Epoch [19][1150/1969]  lr: 2.852e-03, eta: 9:42:21, time: 1.044, data_time: 0.019, memory: 10150, loss_rpn_cls: 0.0598, loss_rpn_bbox: 0.0540, loss_cls: 0.5668, acc: 91.2617, loss_bbox: 0.6317, loss_lcf: 0.9053, loss: 1.8997, grad_norm: 5.7464
""",
        4, 1.0242, 1.8997, epochs=1),
    PastedLog(
        "mmdet 1.x SOLO (loss_ins, loss_cate, loss)",
        "https://github.com/open-mmlab/mmdetection/issues/7932",
        """2022-12-28 21:07:25,670 - mmdet - INFO - Epoch [1][1500/14659]\tlr: 0.01425, eta: 1 day, 12:59:34, time: 0.465, data_time: 0.023, memory: 3028, loss_ins: 1.2339, loss_cate: 0.4289, loss: 1.7705
2022-12-28 21:08:04,164 - mmdet - INFO - Epoch [1][1550/14659]\tlr: 0.01425, eta: 1 day, 12:59:31, time: 0.712, data_time: 0.047, memory: 3028, loss_ins: 1.3143, loss_cate: 0.2888, loss: 1.7091
2022-12-28 21:08:42,614 - mmdet - INFO - Epoch [1][1600/14659]\tlr: 0.01425, eta: 1 day, 12:59:21, time: 0.534, data_time: 0.031, memory: 3028, loss_ins: 1.3282, loss_cate: 0.1897, loss: 1.9925
2022-12-28 21:09:21,258 - mmdet - INFO - Epoch [1][1650/14659]\tlr: 0.01425, eta: 1 day, 12:59:30, time: 0.760, data_time: 0.039, memory: 3028, loss_ins: 1.2037, loss_cate: 0.1889, loss: 1.6085
2022-12-28 21:10:00,594 - mmdet - INFO - Epoch [1][1700/14659]\tlr: 0.01425, eta: 1 day, 13:00:47, time: 0.979, data_time: 0.051, memory: 3028, loss_ins: 1.2382, loss_cate: 0.4113, loss: 1.7456
2022-12-28 21:10:39,276 - mmdet - INFO - Epoch [1][1750/14659]\tlr: 0.01425, eta: 1 day, 13:00:52, time: 0.914, data_time: 0.047, memory: 3028, loss_ins: 1.1244, loss_cate: 0.1404, loss: 1.4978
""",
        6, 1.7705, 1.4978, epochs=1),
    PastedLog(
        "mmdet 0.x (2018) TextLoggerHook",
        "https://github.com/open-mmlab/mmdetection/issues/64",
        """Is the time column of this log counted in seconds or in minutes? Example lines:

2019-02-28 21:49:47,495 - INFO - Epoch [3][50/2500]     lr: 0.03924, time: 1.061, data_time: 0.021, loss_reg: 0.0056, acc: 99.0404, loss_cls: 0.0400, loss_rpn_cls: 0.0020, loss_rpn_reg: 0.0027, loss: 0.0781
2019-02-28 21:50:38,644 - INFO - Epoch [3][100/2500]    lr: 0.03924, time: 1.025, data_time: 0.003, loss_reg: 0.0066, acc: 99.0378, loss_cls: 0.0511, loss_rpn_cls: 0.0017, loss_rpn_reg: 0.0035, loss: 0.0890
2019-02-28 21:51:31,001 - INFO - Epoch [3][150/2500]    lr: 0.03924, time: 1.056, data_time: 0.005, loss_reg: 0.0063, acc: 98.2000, loss_cls: 0.0673, loss_rpn_cls: 0.0017, loss_rpn_reg: 0.0043, loss: 0.0938
""",
        3, 0.0781, 0.0938, epochs=1),
    PastedLog(
        "mmdet 1.x Cascade Mask R-CNN (s0./s1./s2. stage losses)",
        "https://github.com/open-mmlab/mmdetection/issues/2785",
        """2020-09-04 08:48:46,959 - mmdet - INFO - Epoch [1][15/678]\tlr: 0.00011, eta: 1 day, 16:21:05, time: 1.403, data_time: 0.012, memory: 9581, loss_rpn_cls: 0.8909, loss_rpn_bbox: 0.4891, s0.loss_cls: 0.8032, s0.acc: 95.5715, s0.loss_bbox: 0.1276, s0.loss_mask: 0.9680, s1.loss_cls: 0.6608, s1.acc: 97.2913, s1.loss_bbox: 0.0203, s1.loss_mask: 0.6774, s2.loss_cls: 0.3532, s2.acc: 97.4348, s2.loss_bbox: 0.0000, s2.loss_mask: 0.4680, loss: 3.8824
2020-09-04 08:48:48,407 - mmdet - INFO - Epoch [1][16/678]\tlr: 0.00011, eta: 1 day, 15:31:52, time: 1.634, data_time: 0.153, memory: 9581, loss_rpn_cls: 0.9530, loss_rpn_bbox: 0.4488, s0.loss_cls: 0.7633, s0.acc: 92.6961, s0.loss_bbox: 0.0234, s0.loss_mask: 0.8402, s1.loss_cls: 0.6488, s1.acc: 94.1197, s1.loss_bbox: 0.0177, s1.loss_mask: 0.5424, s2.loss_cls: 0.3728, s2.acc: 95.5474, s2.loss_bbox: 0.0012, s2.loss_mask: 0.3846, loss: 2.8035
2020-09-04 08:48:53,197 - mmdet - INFO - Epoch [1][17/678]\tlr: 0.00011, eta: 1 day, 18:30:43, time: 4.134, data_time: 3.032, memory: 9581, loss_rpn_cls: 0.8766, loss_rpn_bbox: 0.4836, s0.loss_cls: 0.8103, s0.acc: 79.4258, s0.loss_bbox: 0.0155, s0.loss_mask: 0.7204, s1.loss_cls: 0.6570, s1.acc: 79.9363, s1.loss_bbox: 0.0000, s1.loss_mask: 0.5206, s2.loss_cls: 0.4687, s2.acc: 79.7154, s2.loss_bbox: 0.0000, s2.loss_mask: 0.2382, loss: 2.4098
2020-09-04 08:48:55,927 - mmdet - INFO - Epoch [1][19/678]\tlr: 0.00011, eta: 1 day, 16:44:26, time: 1.623, data_time: 0.191, memory: 9581, loss_rpn_cls: 0.8808, loss_rpn_bbox: 0.3330, s0.loss_cls: 0.7493, s0.acc: 92.1206, s0.loss_bbox: 0.2166, s0.loss_mask: 0.9646, s1.loss_cls: 0.5678, s1.acc: 95.5715, s1.loss_bbox: 0.0014, s1.loss_mask: 0.5965, s2.loss_cls: 0.2675, s2.acc: 95.6235, s2.loss_bbox: 0.0000, s2.loss_mask: 0.2558, loss: 3.0398
2020-09-04 08:48:58,230 - mmdet - INFO - Epoch [1][20/678]\tlr: 0.00011, eta: 1 day, 16:52:19, time: 2.102, data_time: 0.857, memory: 9581, loss_rpn_cls: 0.8712, loss_rpn_bbox: 0.3972, s0.loss_cls: 0.7584, s0.acc: 80.6622, s0.loss_bbox: 0.1813, s0.loss_mask: 0.7633, s1.loss_cls: 0.6253, s1.acc: 83.1695, s1.loss_bbox: 0.0013, s1.loss_mask: 0.5239, s2.loss_cls: 0.4242, s2.acc: 83.7170, s2.loss_bbox: 0.0000, s2.loss_mask: 0.2430, loss: 2.7226
2020-09-04 08:48:59,917 - mmdet - INFO - Epoch [1][21/678]\tlr: 0.00011, eta: 1 day, 16:26:13, time: 1.865, data_time: 0.666, memory: 9581, loss_rpn_cls: 0.9092, loss_rpn_bbox: 0.0212, s0.loss_cls: 0.6968, s0.acc: 91.6609, s0.loss_bbox: 0.0210, s0.loss_mask: 0.7896, s1.loss_cls: 0.5263, s1.acc: 92.3697, s1.loss_bbox: 0.0147, s1.loss_mask: 0.6310, s2.loss_cls: 0.2976, s2.acc: 93.0350, s2.loss_bbox: 0.0011, s2.loss_mask: 0.3063, loss: 2.4001
""",
        6, 3.8824, 2.4001, epochs=1),
    PastedLog(
        "per-epoch print with tabs (Training Loss / Validation Loss)",
        "https://github.com/udacity/deep-learning-v2-pytorch/issues/341",
        """Output of the training loop follows:

```
Epoch: 1 \tTraining Loss: 0.807114 \tValidation Loss: 0.036333
Epoch: 2 \tTraining Loss: 0.945650 \tValidation Loss: 0.049560
Epoch: 3 \tTraining Loss: 0.802360 \tValidation Loss: 0.024181
Epoch: 4 \tTraining Loss: 0.794706 \tValidation Loss: 0.016155
Epoch: 5 \tTraining Loss: 0.720253 \tValidation Loss: 0.057358
Epoch: 6 \tTraining Loss: 0.629934 \tValidation Loss: 0.039167
Epoch: 7 \tTraining Loss: 0.603622 \tValidation Loss: 0.043884
Epoch: 8 \tTraining Loss: 0.254265 \tValidation Loss: 0.064194
Epoch: 9 \tTraining Loss: 0.354440 \tValidation Loss: 0.051125
Epoch: 10 \tTraining Loss: 0.479227 \tValidation Loss: 0.031311
```
""",
        10, 0.807114, 0.479227, epochs=10, per_epoch=True, not_loss=(0.036333, 0.031311)),
    PastedLog(
        "Keras 2 progbar, samples counter across an epoch boundary",
        "https://github.com/keras-team/keras/issues/7648",
        """Ran a small digit classifier from the 'samples' folder. Its console output is here.

56448/60000 [===========================>..] - ETA: 0s - loss: 0.5889 - acc: 0.6038
56960/60000 [===========================>..] - ETA: 0s - loss: 0.5631 - acc: 0.6481
57344/60000 [===========================>..] - ETA: 0s - loss: 0.5197 - acc: 0.6863
57856/60000 [===========================>..] - ETA: 0s - loss: 0.4706 - acc: 0.7028
58240/60000 [============================>.] - ETA: 0s - loss: 0.4379 - acc: 0.7594
58624/60000 [============================>.] - ETA: 0s - loss: 0.4092 - acc: 0.7737
59136/60000 [============================>.] - ETA: 0s - loss: 0.3516 - acc: 0.8110
59648/60000 [============================>.] - ETA: 0s - loss: 0.2849 - acc: 0.8123
60000/60000 [==============================] - 9s - loss: 0.2749 - acc: 0.8280 - val_loss: 0.0121 - val_acc: 0.9818
Epoch 2/12
  128/60000 [..............................] - ETA: 9s - loss: 0.0146 - acc: 0.9398
  640/60000 [..............................] - ETA: 7s - loss: 0.1659 - acc: 0.8851
 1024/60000 [..............................] - ETA: 7s - loss: 0.2181 - acc: 0.8667
""",
        12, 0.5889, 0.2181, epochs=2, not_loss=(0.0121,)),
    PastedLog(
        "tf.keras progbar quoted, two epochs with val_loss",
        "https://github.com/keras-team/autokeras/issues/928",
        """### Bug Description
Each epoch opens at the same loss value again for this tabular model:

> Train for 16 steps, validate for 4 steps
> 1/16 [>.............................] - ETA: 1s - loss: 2.2324 - accuracy: 0.8202
>  4/16 [======>.......................] - ETA: 0s - loss: 2.7842 - accuracy: 0.3576
>  7/16 [============>.................] - ETA: 0s - loss: 2.9349 - accuracy: 0.1496
> 10/16 [=================>............] - ETA: 0s - loss: 2.3612 - accuracy: 0.7352
> 13/16 [=======================>......] - ETA: 0s - loss: 2.7701 - accuracy: 0.3615
> 16/16 [==============================] - 1s 36ms/step - loss: 2.5704 - accuracy: 0.4809 - val_loss: 2.1726 - val_accuracy: 0.8390
> Epoch 2/1000
>  1/16 [>.............................] - ETA: 0s - loss: 2.2324 - accuracy: 0.8202
>  4/16 [======>.......................] - ETA: 0s - loss: 2.7842 - accuracy: 0.3576
>  7/16 [============>.................] - ETA: 0s - loss: 2.9349 - accuracy: 0.1496
> 10/16 [=================>............] - ETA: 0s - loss: 2.3612 - accuracy: 0.7352
> 13/16 [=======================>......] - ETA: 0s - loss: 2.7701 - accuracy: 0.3615
> 16/16 [==============================] - 0s 28ms/step - loss: 2.5704 - accuracy: 0.4809 - val_loss: 2.1726 - val_accuracy: 0.8390
> Epoch 3/1000
""",
        12, 2.2324, 2.5704, epochs=2, not_loss=(2.1726,)),
    PastedLog(
        "Lightning CSVLogger metrics pasted in a fenced block",
        "https://github.com/ray-project/ray/issues/32467",
        """Below is what the `lightning.pytorch.loggers.CSVLogger` wrote to disk for a single pass over the data.
My reading is that the `step` column counts the batches done so far, as handed out by the `train_dataloader`

```csv
epoch,step,train_loss_epoch,train_loss_step,val_loss
0,49,,0.8672807088278685,
0,99,,0.8749086424318710,
0,149,,0.8658219060316296,
0,199,,0.737367240906799,
0,249,,0.7316161769603619,
0,299,,0.6393770496110826,
0,349,,0.7108723384102587,
0,399,,0.5708828080750914,
0,449,,0.5236105661460600,
0,499,,0.4181997502066393,
0,549,,0.5362841671757807,
0,599,,0.5822301976420474,
0,649,,0.1825615061233034,
0,699,,0.4082629686141419,
0,749,,0.6726410726031137,
0,799,,0.2937581867763211,
0,849,,0.3643975977442178,
0,899,,0.4957629264757790,
0,949,,0.2246126753752177,
0,999,,0.432254280099441,
```
""",
        20, 0.8672807088278685, 0.432254280099441),
    PastedLog(
        "musubi-tuner tqdm with a logger line glued on, timestamp + [STDERR] prefix",
        "https://github.com/kohya-ss/musubi-tuner/issues/477",
        """```
[03:54:22] [STDERR] steps:  38%|███▊      | 36/96 [13:09<21:55, 21.98s/it, avr_loss=0.0434]INFO:musubi_tuner.dataset.image_video_dataset:epoch is incremented. current_epoch: 6, epoch: 7
[03:54:22] [STDERR] INFO:musubi_tuner.dataset.image_video_dataset:epoch is incremented. current_epoch: 6, epoch: 7
[03:54:22] [STDERR] INFO:musubi_tuner.dataset.image_video_dataset:epoch is incremented. current_epoch: 6, epoch: 7
[03:54:31] [STDERR] INFO:musubi_tuner.dataset.image_video_dataset:epoch is incremented. current_epoch: 6, epoch: 7
[03:54:31] [STDERR] INFO:musubi_tuner.dataset.image_video_dataset:epoch is incremented. current_epoch: 6, epoch: 7
[03:54:31] [STDERR] INFO:musubi_tuner.dataset.image_video_dataset:epoch is incremented. current_epoch: 6, epoch: 7
[03:54:31] [STDERR] 
[03:54:46] [STDERR] steps:  39%|███▊      | 37/96 [13:19<21:14, 21.60s/it, avr_loss=0.0434]
[03:54:46] [STDERR] steps:  39%|███▊      | 37/96 [13:19<21:14, 21.60s/it, avr_loss=0.0884]
[03:55:06] [STDERR] steps:  40%|███▉      | 38/96 [13:34<20:43, 21.26s/it, avr_loss=0.0884]
[03:55:06] [STDERR] steps:  40%|███▉      | 38/96 [13:34<20:43, 21.26s/it, avr_loss=0.0704]
""",
        3, 0.0434, 0.0704),
    PastedLog(
        "Megatron-DeepSpeed lines with no loss at all (must exit 2, not guess)",
        "https://github.com/bigscience-workshop/Megatron-DeepSpeed/issues/396",
        """d norm: nan | actual seqlen:  2048 | number of skipped iterations:   0 | number of nan iterations:   0 | samples per second: 1.261 | TFLOPs: 78.33 |
 iteration     5426/  250000 | consumed samples:        43408 | consumed tokens:     88899584 | elapsed time per iteration (ms): 4247.6 | learning rate: 2.669E-04 | global batch size:     8 | loss scale: 1.0 | grad norm: nan | actual seqlen:  2048 | number of skipped iterations:   0 | number of nan iterations:   0 | samples per second: 1.234 | TFLOPs: 78.27 |
 iteration     5427/  250000 | consumed samples:        43416 | consumed tokens:     88915968 | elapsed time per iteration (ms): 4225.1 | learning rate: 2.669E-04 | global batch size:     8 | loss scale: 1.0 | grad norm: nan | actual seqlen:  2048 | number of skipped iterations:   0 | number of nan iterations:   0 | samples per second: 1.944 | TFLOPs: 78.86 |
 iteration     5428/  250000 | consumed samples:        43424 | consumed tokens:     88932352 | elapsed time per iteration (ms): 4229.3 | learning rate: 2.669E-04 | global batch size:     8 | loss scale: 1.0 | grad norm: nan | actual seqlen:  2048 | number of skipped iterations:   0 | number of nan iterations:   0 | samples per second: 1.736 | TFLOPs: 78.70 |
""",
        0, 0.0, 0.0),
    PastedLog(
        "TF-Slim learning.py every 10 steps with summary lines",
        "https://github.com/xiaodiu2010/TextBoxes-TensorFlow/issues/8",
        """INFO:tensorflow:global step 4530: loss = 5.5210 (0.355 sec/step)
INFO:tensorflow:global step 4540: loss = 5.7276 (0.572 sec/step)
INFO:tensorflow:Recording summary at step 4545.
INFO:tensorflow:global step 4550: loss = 6.0157 (0.900 sec/step)
INFO:tensorflow:global step 4560: loss = 5.0154 (0.129 sec/step)
INFO:tensorflow:global step 4570: loss = 5.9672 (0.712 sec/step)
INFO:tensorflow:global step 4580: loss = 5.5910 (0.355 sec/step)
INFO:tensorflow:global step 4590: loss = 6.6294 (0.296 sec/step)
INFO:tensorflow:global step 4600: loss = 5.7529 (0.798 sec/step)
INFO:tensorflow:global step 4610: loss = 5.3208 (0.407 sec/step)
INFO:tensorflow:Recording summary at step 4612.
INFO:tensorflow:global step 4620: loss = 6.1333 (0.757 sec/step)
INFO:tensorflow:global step 4630: loss = 5.3816 (0.172 sec/step)
INFO:tensorflow:global step 4640: loss = 5.6880 (0.296 sec/step)
INFO:tensorflow:global step 4650: loss = 5.7792 (0.399 sec/step)
INFO:tensorflow:global step 4660: loss = 5.4654 (0.717 sec/step)
INFO:tensorflow:global step 4670: loss = 5.9240 (0.407 sec/step)
INFO:tensorflow:Recording summary at step 4679.
INFO:tensorflow:global step 4680: loss = 5.2696 (0.399 sec/step)
INFO:tensorflow:global step 4690: loss = 5.3412 (0.535 sec/step)
INFO:tensorflow:global step 4700: loss = 5.1943 (0.253 sec/step)
""",
        18, 5.5210, 5.1943),
    PastedLog(
        "logger line Epoch: e, step: i, loss: x, implicit loss: y (first char cut, nan after)",
        "https://github.com/JegZheng/truncated-diffusion-probabilistic-models/issues/3",
        """Hi,devteam:

NFO - diffusion.py - 2023-07-31 23:18:09,648 - Epoch: 0, step: 1, loss: 3301.31088309367, implicit loss: 0.6115235054288514, data time: 0.35821472237695990
INFO - diffusion.py - 2023-07-31 23:18:13,591 - Epoch: 0, step: 2, loss: 2478.9271843509, implicit loss: 0.807521793468523, data time: 0.05923178404176095
INFO - diffusion.py - 2023-07-31 23:18:14,232 - Epoch: 0, step: 3, loss: 1856.58627722973, implicit loss: 0.9641444318726393, data time: 0.0533053275212175
INFO - diffusion.py - 2023-07-31 23:18:14,871 - Epoch: 0, step: 4, loss: 1508.812209533548, implicit loss: 0.6723635228550002, data time: 0.052379443087587484
INFO - diffusion.py - 2023-07-31 23:18:15,507 - Epoch: 0, step: 5, loss: nan, implicit loss: nan, data time: 0.04579885326833756
INFO - diffusion.py - 2023-07-31 23:18:16,142 - Epoch: 0, step: 6, loss: nan, implicit loss: nan, data time: 0.036098551097714871
INFO - diffusion.py - 2023-07-31 23:18:16,777 - Epoch: 0, step: 7, loss: nan, implicit loss: nan, data time: 0.032571828737002996
INFO - diffusion.py - 2023-07-31 23:18:17,413 - Epoch: 0, step: 8, loss: nan, implicit loss: nan, data time: 0.031062414134550299
INFO - diffusion.py - 2023-07-31 23:18:18,047 - Epoch: 0, step: 9, loss: nan, implicit loss: nan, data time: 0.020137461434602711

the run is shown above
""",
        4, 3301.31088309367, 1508.812209533548, epochs=1,
        not_loss=(0.6115235054288514, 0.6723635228550002)),
    PastedLog(
        "mmdet 1.x Cascade R-CNN epoch 2 with grad_norm",
        "https://github.com/open-mmlab/mmdetection/issues/3446",
        """2022-03-21 01:01:10,186 - mmdet - INFO - Epoch [2][1050/1749]\tlr: 2.000e-02, eta: 1:16:27, time: 1.851, data_time: 0.002, memory: 5280, loss_rpn_cls: 0.5630, loss_rpn_bbox: 0.0373, s0.loss_cls: 0.1874, s0.acc: 94.8756, s0.loss_bbox: 0.0642, s1.loss_cls: 0.0576, s1.acc: 96.6442, s1.loss_bbox: 0.0263, s2.loss_cls: 0.0163, s2.acc: 98.0771, s2.loss_bbox: 0.0012, loss: 0.5956, grad_norm: 0.0461
2022-03-21 01:02:45,361 - mmdet - INFO - Epoch [2][1100/1749]\tlr: 2.000e-02, eta: 1:14:54, time: 1.468, data_time: 0.002, memory: 5280, loss_rpn_cls: 0.5904, loss_rpn_bbox: 0.0400, s0.loss_cls: 0.4206, s0.acc: 94.4987, s0.loss_bbox: 0.0654, s1.loss_cls: 0.0592, s1.acc: 96.2817, s1.loss_bbox: 0.0314, s2.loss_cls: 0.0247, s2.acc: 97.5708, s2.loss_bbox: 0.0027, loss: 0.8061, grad_norm: 0.0520
2022-03-21 01:04:21,431 - mmdet - INFO - Epoch [2][1150/1749]\tlr: 2.000e-02, eta: 1:13:23, time: 1.563, data_time: 0.002, memory: 5280, loss_rpn_cls: 0.5426, loss_rpn_bbox: 0.0327, s0.loss_cls: 0.2675, s0.acc: 94.7128, s0.loss_bbox: 0.0647, s1.loss_cls: 0.0615, s1.acc: 96.2773, s1.loss_bbox: 0.0345, s2.loss_cls: 0.0219, s2.acc: 97.8738, s2.loss_bbox: 0.0023, loss: 0.6417, grad_norm: 0.0429
""",
        3, 0.5956, 0.6417, epochs=1),
    PastedLog(
        "XGBoost eval/train logloss rounds",
        "https://github.com/dmlc/xgboost/issues/2777",
        """Will train until train-logloss hasn't improved in 1000 rounds.
[500]\teval-logloss:0.18406\ttrain-logloss:0.141988
[1000]\teval-logloss:0.215206\ttrain-logloss:0.031541
[1500]\teval-logloss:0.238371\ttrain-logloss:0.027782
[2000]\teval-logloss:0.274893\ttrain-logloss:0.025513
[2500]\teval-logloss:0.290175\ttrain-logloss:0.021817
[3000]\teval-logloss:0.334296\ttrain-logloss:0.019927
[3500]\teval-logloss:0.374004\ttrain-logloss:0.017013
[4000]\teval-logloss:0.389468\ttrain-logloss:0.012526
[4500]\teval-logloss:0.400752\ttrain-logloss:0.011184
[5000]\teval-logloss:0.444422\ttrain-logloss:0.003797
[5500]\teval-logloss:0.502344\ttrain-logloss:0.003650
[6000]\teval-logloss:0.566525\ttrain-logloss:0.003474
[6500]\teval-logloss:0.615363\ttrain-logloss:0.003328
[7000]\teval-logloss:0.618875\ttrain-logloss:0.003302
[7500]\teval-logloss:0.646888\ttrain-logloss:0.003125
[8000]\teval-logloss:0.6779\ttrain-logloss:0.003050
[8500]\teval-logloss:0.74197\ttrain-logloss:0.003043
[9000]\teval-logloss:0.750471\ttrain-logloss:0.002761
[9500]\teval-logloss:0.781558\ttrain-logloss:0.002515
[10000]\teval-logloss:0.793959\ttrain-logloss:0.002242
[10500]\teval-logloss:0.872166\ttrain-logloss:0.00203
[11000]\teval-logloss:0.92599\ttrain-logloss:0.001852
[11500]\teval-logloss:0.936908\ttrain-logloss:0.00149
[12000]\teval-logloss:0.978642\ttrain-logloss:0.001301
""",
        24, 0.141988, 0.001301, not_loss=(0.18406, 0.978642)),
    PastedLog(
        "XGBoost4J-Spark tracker lines behind a log4j prefix",
        "https://github.com/dmlc/xgboost/issues/7962",
        """```
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,727 INFO [15]    train-logloss:0.00619240024978908  eval-logloss:0.29939934770865493
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,728 INFO [16]    train-logloss:0.00534488362691734  eval-logloss:0.38010525264836026
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,729 INFO [17]    train-logloss:0.00503863331265724  eval-logloss:0.55205331071373756
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,731 INFO [18]    train-logloss:0.00473044850684534  eval-logloss:0.65332163347936979
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,732 INFO [19]    train-logloss:0.00422151165034021  eval-logloss:0.71077492540084796
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,734 INFO [20]    train-logloss:0.00337679871620437  eval-logloss:0.77655792161916159
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,735 INFO [21]    train-logloss:0.00294083580427456  eval-logloss:0.91918850141984352
23/07/18 18:54:46 ERROR RabitTracker$TrackerProcessLogger: 2023-07-18 18:54:46,736 INFO [22]    train-logloss:0.00198821643030542  eval-logloss:0.93290510838456466
""",
        8, 0.00619240024978908, 0.00198821643030542, not_loss=(0.29939934770865493,)),
    PastedLog(
        "OpenNMT-py 0.x Epoch e, i/N; acc; ppl; xent (first char cut)",
        "https://github.com/OpenNMT/OpenNMT-py/issues/709",
        """Output I got now 

```
poch  1, 12850/37527; acc:   3.34; ppl: 12792.64; xent:   9.30; 3438 src tok/s; 3517 tgt tok/s;   9823 s elapsed
Epoch  1, 12900/37527; acc:   4.78; ppl: 35173.10; xent:  10.48; 3599 src tok/s; 3678 tgt tok/s;   9861 s elapsed
Epoch  1, 12950/37527; acc:   4.89; ppl: 42885.44; xent:  10.70; 3594 src tok/s; 3678 tgt tok/s;   9897 s elapsed
Epoch  1, 13000/37527; acc:   4.63; ppl: 24048.25; xent:  10.03; 3623 src tok/s; 3701 tgt tok/s;   9935 s elapsed
Epoch  1, 13050/37527; acc:   4.45; ppl: 26476.92; xent:  10.38; 3456 src tok/s; 3536 tgt tok/s;   9973 s elapsed
Epoch  1, 13100/37527; acc:   5.10; ppl: 9686.06; xent:   9.24; 3575 src tok/s; 3652 tgt tok/s;  10011 s elapsed
Epoch  1, 13150/37527; acc:   5.91; ppl: 3770.50; xent:   8.22; 3635 src tok/s; 3723 tgt tok/s;  10046 s elapsed
Epoch  1, 13200/37527; acc:   5.21; ppl: 2268.04; xent:   7.14; 3492 src tok/s; 3565 tgt tok/s;  10086 s elapsed
Epoch  1, 13250/37527; acc:   4.94; ppl: 2482.98; xent:   7.70; 3784 src tok/s; 3873 tgt tok/s;  10120 s elapsed
Epoch  1, 13300/37527; acc:   4.30; ppl: 2981.33; xent:   8.00; 3465 src tok/s; 3541 tgt tok/s;  10160 s elapsed
Epoch  1, 13350/37527; acc:   4.19; ppl: 16091.76; xent:   9.62; 3739 src tok/s; 3831 tgt tok/s;  10192 s elapsed
Epoch  1, 13400/37527; acc:   1.64; ppl: 20872.62; xent:   9.84; 3595 src tok/s; 3669 tgt tok/s;  10233 s elapsed
""",
        12, 9.30, 9.84, epochs=1),
    PastedLog(
        "OpenNMT-py Step i/N; acc; ppl; xent with a dataset line",
        "https://github.com/OpenNMT/OpenNMT-py/issues/1362",
        """[2020-04-08 02:14:40,082 INFO] Step 2250/200000; acc:  31.27; ppl: 57.54; xent: 4.07; lr: 0.00016; 5092/261 tok/s;   6641 sec
[2020-04-08 02:17:08,089 INFO] Step 2300/200000; acc:  30.23; ppl: 61.24; xent: 4.70; lr: 0.00016; 4953/257 tok/s;   6789 sec
[2020-04-08 02:18:19,940 INFO] Loading dataset from data.train.0.pt, number of examples: 66620
[2020-04-08 02:20:44,814 INFO] Step 2350/200000; acc:  31.03; ppl: 57.51; xent: 4.07; lr: 0.00019; 3444/188 tok/s;   7006 sec
[2020-04-08 02:23:09,468 INFO] Step 2400/200000; acc:  30.40; ppl: 55.64; xent: 4.04; lr: 0.00026; 5165/262 tok/s;   7150 sec
[2020-04-08 02:25:34,552 INFO] Step 2450/200000; acc:  32.10; ppl: 50.06; xent: 3.54; lr: 0.00026; 5124/265 tok/s;   7295 sec
[2020-04-08 02:28:04,138 INFO] Step 2500/200000; acc:  31.59; ppl: 54.13; xent: 4.03; lr: 0.00040; 4958/262 tok/s;   7445 sec
[2020-04-08 02:30:30,992 INFO] Step 2550/200000; acc:  31.84; ppl: 52.67; xent: 3.80; lr: 0.00078; 5043/251 tok/s;   7592 sec
[2020-04-08 02:32:59,306 INFO] Step 2600/200000; acc:  31.70; ppl: 50.42; xent: 3.67; lr: 0.00078; 4988/258 tok/s;   7740 sec
[2020-04-08 02:35:25,785 INFO] Step 2650/200000; acc:  32.51; ppl: 46.11; xent: 3.35; lr: 0.00094; 5118/265 tok/s;   7887 sec
""",
        9, 4.07, 3.35),
    PastedLog(
        "YOLOX loguru records wrapped by the console, one per epoch",
        "https://github.com/Megvii-BaseDetection/YOLOX/issues/1701",
        """2024-01-11 14:50:32 | INFO     | yolox.core.trainer:203 - ---> start train epoch1
                                                        - epoch: 1/300, iter: 10/12, mem: 2956Mb, iter_time: 0.883s, data_time: 0.002s, total_loss: 5.8, iou_loss: 2.7, l1_loss: 0.0, conf_loss: 2.0, cls_loss:
1.4, lr: 4.520e-04, size: 640, ETA: 0:46:06
2024-01-11 14:50:41 | INFO     | yolox.core.trainer:352 - Save weights to ./YOLOX_outputs\\yolox_exp_a
2024-01-11 14:50:41 | INFO     | yolox.core.trainer:203 - ---> start train epoch2
2024-01-11 14:50:45 | INFO     | yolox.core.trainer:253 - epoch: 2/300, iter: 10/12, mem: 2956Mb, iter_time: 0.258s, data_time: 0.002s, total_loss: 4.9, iou_loss: 2.4, l1_loss: 0.0, conf_loss: 1.5, cls_loss:
0.8, lr: 6.706e-04, size: 576, ETA: 0:34:23
2024-01-11 14:50:45 | INFO     | yolox.core.trainer:352 - Save weights to ./YOLOX_outputs\\yolox_exp_a
2024-01-11 14:50:45 | INFO     | yolox.core.trainer:203 - ---> start train epoch3
2024-01-11 14:50:50 | INFO     | yolox.core.trainer:253 - epoch: 3/300, iter: 10/12, mem: 3329Mb, iter_time: 0.271s, data_time: 0.004s, total_loss: 5.0, iou_loss: 2.7, l1_loss: 0.0, conf_loss: 1.7, cls_loss:
0.5, lr: 6.146e-04, size: 768, ETA: 0:30:50
2024-01-11 14:50:51 | INFO     | yolox.core.trainer:352 - Save weights to ./YOLOX_outputs\\yolox_exp_a
""",
        3, 5.8, 5.0, epochs=3),
    PastedLog(
        "YOLOX loguru trainer (an inline-code backtick on the first line)",
        "https://github.com/Megvii-BaseDetection/YOLOX/issues/782",
        """`2023-02-02 13:40:29 | INFO     | yolox.core.trainer:188 - ---> start train epoch1
2023-02-02 13:40:32 | INFO     | yolox.core.trainer:246 - epoch: 1/80, iter: 1/57, mem: 6736Mb, iter_time: 2.845s, data_time: 0.002s, total_loss: 14.1, iou_loss: 3.8, l1_loss: 0.0, conf_loss: 8.4, cls_loss: 1.4, lr: 6.411e-08, size: 640, ETA: 3:34:03
2023-02-02 13:40:32 | INFO     | yolox.core.trainer:246 - epoch: 1/80, iter: 2/57, mem: 6736Mb, iter_time: 0.779s, data_time: 0.036s, total_loss: 14.6, iou_loss: 3.4, l1_loss: 0.0, conf_loss: 9.5, cls_loss: 1.5, lr: 2.622e-07, size: 640, ETA: 1:58:38
2023-02-02 13:40:32 | INFO     | yolox.core.trainer:246 - epoch: 1/80, iter: 3/57, mem: 6736Mb, iter_time: 0.648s, data_time: 0.002s, total_loss: 13.9, iou_loss: 4.0, l1_loss: 0.0, conf_loss: 8.2, cls_loss: 1.3, lr: 5.129e-07, size: 640, ETA: 1:24:47
2023-02-02 13:40:32 | INFO     | yolox.core.trainer:246 - epoch: 1/80, iter: 4/57, mem: 6736Mb, iter_time: 0.201s, data_time: 0.002s, total_loss: 13.3, iou_loss: 3.8, l1_loss: 0.0, conf_loss: 7.7, cls_loss: 1.6, lr: 9.804e-07, size: 640, ETA: 1:07:21
2023-02-02 13:40:33 | INFO     | yolox.core.trainer:246 - epoch: 1/80, iter: 5/57, mem: 6736Mb, iter_time: 0.564s, data_time: 0.002s, total_loss: 14.0, iou_loss: 3.8, l1_loss: 0.0, conf_loss: 8.3, cls_loss: 1.4, lr: 1.185e-06, size: 640, ETA: 0:57:05
""",
        5, 14.1, 14.0, epochs=1),
    PastedLog(
        "mmengine Epoch(train) across three epochs with Exp name lines",
        "https://github.com/open-mmlab/mmpretrain/issues/1632",
        """2024/10/29 18:50:41 - mmengine - INFO - Epoch(train) [147][300/351] lr: 2.8897e-03 eta: 5 days, 23:52:36 time: 1.0384 data_time: 0.0032 memory: 48596 loss: 0.3380
2024/10/29 18:51:31 - mmengine - INFO - Exp name: mae_vit-base-p16_8xb512-amp-coslr-1600e_customset_20241029_090104
2024/10/29 18:53:21 - mmengine - INFO - Epoch(train) [148][100/351] lr: 2.6601e-03 eta: 5 days, 23:51:50 time: 1.0914 data_time: 0.0344 memory: 48596 loss: 0.5689
2024/10/29 18:55:01 - mmengine - INFO - Epoch(train) [148][200/351] lr: 2.5999e-03 eta: 5 days, 23:49:46 time: 0.8045 data_time: 0.0242 memory: 48596 loss: 0.2796
2024/10/29 18:56:50 - mmengine - INFO - Epoch(train) [148][300/351] lr: 2.5615e-03 eta: 5 days, 23:49:40 time: 0.8993 data_time: 0.0018 memory: 48596 loss: 0.4684
2024/10/29 18:57:41 - mmengine - INFO - Exp name: mae_vit-base-p16_8xb512-amp-coslr-1600e_customset_20241029_090104
2024/10/29 18:58:41 - mmengine - INFO - Exp name: mae_vit-base-p16_8xb512-amp-coslr-1600e_customset_20241029_090104
2024/10/29 18:59:31 - mmengine - INFO - Epoch(train) [149][100/351] lr: 2.3126e-03 eta: 5 days, 23:48:57 time: 0.8537 data_time: 0.0028 memory: 48596 loss: 0.4793
2024/10/29 19:01:14 - mmengine - INFO - Epoch(train) [149][200/351] lr: 2.3019e-03 eta: 5 days, 23:47:35 time: 1.0447 data_time: 0.0028 memory: 48596 loss: 0.7242
""",
        6, 0.3380, 0.7242, epochs=3),
    PastedLog(
        "mmdet 2.x SSOD logger across an epoch boundary",
        "https://github.com/open-mmlab/mmdetection/issues/7298",
        """```
2023-02-18 06:37:34,568 - mmdet.ssod - INFO - Epoch [2][50/172] lr: 6.823e-04, eta: 18:57:59, time: 1.887, data_time: 0.857, memory: 24335, loss_cls: 1.8768, loss_bbox: 4.1395, loss_obj: 6.3867, loss: 12.0708
2023-02-18 06:38:34,850 - mmdet.ssod - INFO - Epoch [2][100/172]        lr: 1.000e-03, eta: 18:37:30, time: 1.310, data_time: 0.322, memory: 24335, loss_cls: 1.7750, loss_bbox: 3.9524, loss_obj: 5.4418, loss: 11.5515
2023-02-18 06:39:32,020 - mmdet.ssod - INFO - Epoch [2][150/172]        lr: 1.688e-03, eta: 18:14:42, time: 1.182, data_time: 0.593, memory: 24335, loss_cls: 1.4702, loss_bbox: 3.7658, loss_obj: 5.2037, loss: 11.0539
2023-02-18 06:41:25,129 - mmdet.ssod - INFO - Epoch [3][50/172] lr: 2.068e-03, eta: 18:08:13, time: 1.890, data_time: 0.608, memory: 24335, loss_cls: 1.6073, loss_bbox: 3.3591, loss_obj: 6.0002, loss: 11.4055
2023-02-18 06:42:23,806 - mmdet.ssod - INFO - Epoch [3][100/172]        lr: 2.302e-03, eta: 17:57:24, time: 1.190, data_time: 0.022, memory: 24335, loss_cls: 1.4248, loss_bbox: 3.3401, loss_obj: 6.0447, loss: 11.0421
2023-02-18 06:43:24,542 - mmdet.ssod - INFO - Epoch [3][150/172]        lr: 3.180e-03, eta: 17:52:07, time: 1.359, data_time: 0.127, memory: 24335, loss_cls: 1.3931, loss_bbox: 3.1918, loss_obj: 6.0513, loss: 11.0261
""",
        6, 12.0708, 11.0261, epochs=2),
    PastedLog(
        "spaCy 3 train table with two loss columns and no total (must exit 2)",
        "https://github.com/explosion/spaCy/issues/7083",
        """```
python -m spacy train config.cfg --output ./output --paths.train ./train.spacy --paths.dev ./dev.spacy
```
Other threads suggest -- the cause is a dataset whose labels were not set up as entity types at all.

```
E    #       LOSS TOK2VEC  LOSS NER  ENTS_F  ENTS_P  ENTS_R  SCORE 
---  ------  ------------  --------  ------  ------  ------  ------
  0       0          0.00     40.00    9.54    6.06   22.34    0.13
  0     200         35.58   2163.13   83.43   83.75   82.89    0.37
  0     400         11.01   1182.06   88.79   89.05   88.66    0.58
  0     600         13.42   1150.07   89.82   90.56   89.62    0.62
  0     800         19.63   1087.65   92.01   91.54   92.14    0.65
  0    1000         25.01   1343.05   93.01   92.38   93.15    0.84
```
""",
        0, 0.0, 0.0),
    PastedLog(
        "AllenNLP trainer Batch i/N: accuracy, loss || after params lines",
        "https://github.com/allenai/allennlp/issues/379",
        """2019-06-19 09:49:47,411 - INFO - allennlp.common.params - trainer.no_tqdm = True
2019-06-19 09:49:47,417 - INFO - allennlp.common.params - evaluate_on_test = False
2019-06-19 09:49:47,419 - INFO - allennlp.training.trainer - Beginning training.
2019-06-19 09:49:47,419 - INFO - allennlp.training.trainer - Epoch 0/139
2019-06-19 09:49:47,419 - INFO - allennlp.training.trainer - Training
2019-06-19 09:50:08,407 - INFO - allennlp.training.trainer - Batch 1/17168: accuracy: 0.22, loss: 6.46 ||
2019-06-19 09:50:18,417 - INFO - allennlp.training.trainer - Batch 567/17168: accuracy: 0.59, loss: 1.96 ||
2019-06-19 09:50:28,426 - INFO - allennlp.training.trainer - Batch 1128/17168: accuracy: 0.83, loss: 1.61 ||
2019-06-19 09:50:38,439 - INFO - allennlp.training.trainer - Batch 1701/17168: accuracy: 0.93, loss: 1.01 ||
""",
        4, 6.46, 1.01, epochs=1),
    PastedLog(
        "mmdet 2.x with Markdown bold pasted inside the numbers (nan line)",
        "https://github.com/open-mmlab/mmdetection/issues/5911",
        """**Checklist**
2021-11-24 05:36:39,797 - mmdet - INFO - Epoch [1][50/5808]	lr: 1.000e-02, eta: 5:02:49, time: 0.826, data_time: 0.019, memory: 8104, loss_rpn_cls: 0.6333, loss_rpn_bbox: 0.2803, loss_cls: 0.8324, acc: 91.6473, loss_bbox: 0.3679, loss: 1.7038
2021-11-24 05:37:15,633 - mmdet - INFO - Epoch [1][100/5808]	lr: 1.000e-02, eta: 4:49:14, time: 0.644, data_time: 0.018, memory: 8104, loss_rpn_cls: 0.4351, loss_rpn_bbox: 0.1587, loss_cls: 0.6004, acc: 93.4764, loss_bbox: 0.3054, loss: 1.0210
2021-11-24 05:37:52,442 - mmdet - INFO - Epoch [1][150/5808]	lr: 1.000e-02, eta: 4:46:48, time: 0.767, data_time: 0.018, memory: 8104, loss_rpn_cls: 0.5344, loss_rpn_bbox: 0.2635, loss_cls: 0.5462, acc: 92.72**39, loss_bbox: nan, loss: nan**
2021-11-24 05:38:29,077 - mmdet - INFO - Epoch [1][200/5808]	lr: 1.000e-02, eta: 4:44:57, time: 0.755, data_time: 0.014, memory: 8104, loss_rpn_cls: 0.4313, loss_rpn_bbox: 0.1984, loss_cls: 0.6018, acc: 92.4612, loss_bbox: 0.3362, loss: 1.0374
""",
        3, 1.7038, 1.0374, epochs=1),
    PastedLog(
        "fairseq train_inner with the trainer's banner lines",
        "https://github.com/XuezheMax/apollo/issues/4",
        """```
2022-02-23 11:56:33 | INFO | fairseq.trainer | NOTE: your device may support faster training with --fp16
2022-02-23 11:56:33 | INFO | fairseq.trainer | begin training epoch 1
2022-02-23 11:57:21 | INFO | train_inner | epoch 001:    100 / 1975 loss=12.365, nll_loss=12.356, ppl=5496.53, wps=130830, ups=2.11, wpb=60755, bsz=1960, num_updates=100, lr=1.001, gnorm=1.917, clip=41, train_wall=48, wall=54
2022-02-23 11:58:07 | INFO | train_inner | epoch 001:    200 / 1975 loss=11.171, nll_loss=11.045, ppl=2082.44, wps=133400, ups=2.4, wpb=60530.7, bsz=1979.2, num_updates=200, lr=2.001, gnorm=1.494, clip=60, train_wall=45, wall=99
2022-02-23 11:58:53 | INFO | train_inner | epoch 001:    300 / 1975 loss=10.985, nll_loss=10.58, ppl=1278.23, wps=132095, ups=2.13, wpb=61118.1, bsz=2141.7, num_updates=300, lr=3.004, gnorm=1.289, clip=57, train_wall=46, wall=146
2022-02-23 11:59:38 | INFO | train_inner | epoch 001:    400 / 1975 loss=10.739, nll_loss=9.712, ppl=900.66, wps=133236, ups=2.30, wpb=60904, bsz=2018.6, num_updates=400, lr=4.007, gnorm=0.758, clip=40, train_wall=46, wall=191
2022-02-23 12:00:24 | INFO | train_inner | epoch 001:    500 / 1975 loss=10.419, nll_loss=9.162, ppl=632.36, wps=132570, ups=2.24, wpb=60876.6, bsz=1996.8, num_updates=500, lr=5.008, gnorm=0.58, clip=14, train_wall=46, wall=237
""",
        5, 12.365, 10.419, epochs=1),
    PastedLog(
        "YOLOX loguru with milliseconds inside a ~~~ fence",
        "https://github.com/Megvii-BaseDetection/YOLOX/issues/237",
        """~~~
2023-09-16 08:45:09.348 | INFO     | yolox.core.trainer:after_iter:249 - epoch: 300/300, iter: 210/408, mem: 34780Mb, iter_time: 0.287s, data_time: 0.000s, total_loss: 0.6, iou_loss: 0.2, l1_loss: 0.0, conf_loss: 0.1, cls_loss: 0.1, lr: 1.902e-04, size: 800, ETA: 0:01:00
2023-09-16 08:45:12.274 | INFO     | yolox.core.trainer:after_iter:249 - epoch: 300/300, iter: 220/408, mem: 34780Mb, iter_time: 0.331s, data_time: 0.000s, total_loss: 0.8, iou_loss: 0.5, l1_loss: 0.0, conf_loss: 0.1, cls_loss: 0.2, lr: 1.902e-04, size: 544, ETA: 0:00:57
2023-09-16 08:45:15.086 | INFO     | yolox.core.trainer:after_iter:249 - epoch: 300/300, iter: 230/408, mem: 34780Mb, iter_time: 0.287s, data_time: 0.000s, total_loss: 0.6, iou_loss: 0.4, l1_loss: 0.0, conf_loss: 0.0, cls_loss: 0.1, lr: 1.902e-04, size: 832, ETA: 0:00:54
2023-09-16 08:45:17.873 | INFO     | yolox.core.trainer:after_iter:249 - epoch: 300/300, iter: 240/408, mem: 34780Mb, iter_time: 0.241s, data_time: 0.000s, total_loss: 1.0, iou_loss: 0.7, l1_loss: 0.0, conf_loss: 0.1, cls_loss: 0.2, lr: 1.902e-04, size: 576, ETA: 0:00:51
""",
        4, 0.6, 1.0, epochs=1),
    PastedLog(
        "YOLOX loguru in a shell fence with blank lines between records",
        "https://github.com/Megvii-BaseDetection/YOLOX/issues/679",
        """```shell
2022-07-11 22:32:39 | INFO | yolox.core.trainer:246 - epoch: 36/300, iter: 1040/1849, mem: 7420Mb, iter_time: 3.031s, data_time: 1.869s, total_loss: 6.4, iou_loss: 2.2, l1_loss: 0.0, conf_loss: 2.6, cls_loss: 1.1, lr: 9.511e-03, size: 704, ETA: 14 days, 3:04:24

2022-07-11 22:33:07 | INFO | yolox.core.trainer:246 - epoch: 36/300, iter: 1050/1849, mem: 7420Mb, iter_time: 2.531s, data_time: 1.535s, total_loss: 7.5, iou_loss: 2.4, l1_loss: 0.0, conf_loss: 3.3, cls_loss: 1.3, lr: 9.511e-03, size: 512, ETA: 14 days, 3:04:21

2022-07-11 22:33:32 | INFO | yolox.core.trainer:246 - epoch: 36/300, iter: 1060/1849, mem: 7420Mb, iter_time: 2.296s, data_time: 0.112s, total_loss: 6.7, iou_loss: 2.3, l1_loss: 0.0, conf_loss: 2.8, cls_loss: 1.3, lr: 9.511e-03, size: 736, ETA: 14 days, 3:03:51

2022-07-11 22:33:58 | INFO | yolox.core.trainer:246 - epoch: 36/300, iter: 1070/1849, mem: 7420Mb, iter_time: 2.360s, data_time: 1.283s, total_loss: 6.1, iou_loss: 2.2, l1_loss: 0.0, conf_loss: 2.3, cls_loss: 1.1, lr: 9.511e-03, size: 704, ETA: 14 days, 3:03:37

2022-07-11 22:34:21 | INFO | yolox.core.trainer:246 - epoch: 36/300, iter: 1080/1849, mem: 7420Mb, iter_time: 2.167s, data_time: 0.333s, total_loss: 6.4, iou_loss: 2.1, l1_loss: 0.0, conf_loss: 2.8, cls_loss: 1.8, lr: 9.511e-03, size: 576, ETA: 14 days, 3:03:01
""",
        5, 6.4, 6.4, epochs=1),
)

DEV: tuple[PastedLog, ...] = ENTRIES[0::2]
TEST: tuple[PastedLog, ...] = ENTRIES[1::2]
