"""Text recognition (OCR) for PDF pages without a text layer (scanned reports).

Optional: needs the `ocr` extra (`pip install 'auditor[ocr]'`: rapidocr-onnxruntime, whose wheel
ships the PP-OCR detection, direction and recognition models — nothing is downloaded at run time;
OpenCV and NumPy come with it). Nothing here is imported unless a PDF page has no text layer.

A page is rendered with PDFium at a fixed resolution (`DPI`), straightened (a scan is often
slightly rotated: the angle that makes the rows of ink sharpest), and read twice:

- ruling lines from the raster (long horizontal/vertical runs of ink), as the page's *edges*;
- text boxes from the OCR model, as *characters* (one box per recognized character or digit run).

Short number-like boxes (a table cell's "0", "12") are read once more on their own, and a box that
still reads as no sure digit once more beside a surely read digit run of the same page, both at
their own size (`_reread_short`): alone, a "0" cut to its own height looks like "。" to the model.

Both go to the text-PDF reader's page assembly (`pdf._read_page`), so tables become the same
tab-separated rows, one field per grid column, and lines are ordered the same way.

Never a wrong number presented as known: a run of digits whose recognition confidence is below
`MIN_CONFIDENCE`, or that mixes digits with letters the model confuses with digits ("1O", "l2"),
or a box that holds only a letter or a dot where a digit would stand ("O", "E", "。"), is replaced
by U+FFFD —
which the parser never reads as a number — and the page's parse note quotes what was seen.

Deterministic: the same file gives the same text (fixed thread counts, fixed resolution, no
randomness in the deskew search).
"""
from __future__ import annotations

import re
import signal
import time
from dataclasses import dataclass, field

DPI = 170  # the recognizer's own input size for an A4 page (its long side is cut to 2000 px)
MAX_SIDE_PX = 2000  # a larger page is rendered smaller, never bigger than this
# A digit run below this confidence is unknown. From benchmarks/bench_ocr.py on the scanned
# fixtures: no wrong number at 0.5, 0.8 or 0.9; 0.8 keeps a margin over 0.5 and leaves fewer cells
# unknown than 0.9 (README, OCR).
MIN_CONFIDENCE = 0.80
DROP_BELOW = 0.30  # a box this unsure with no digit in it is noise (a speck read as "。")
MAX_SKEW = 3.0  # degrees searched when straightening a page
REREAD = True  # read short number-like boxes again on their own (see _reread_short)
CONTEXT_SCORE = 0.98  # a run of digits read this surely can stand beside an unread box
THREADS = 2  # fixed: onnxruntime's results may depend on the thread count
NOTICE = "本报告由文字识别（OCR）读取"
INSTALL_HINT = "可安装文字识别组件后重试：pip install 'auditor[ocr]'"

# Letters and signs the recognizer gives for digits on poor scans.
_CONFUSABLE = "OoDQIl|!SsBZzg"
_DIGITISH = re.compile(rf"[0-9{re.escape(_CONFUSABLE)},.，．:：]*[0-9][0-9{re.escape(_CONFUSABLE)},.，．:：]*")
# A box holding only a letter or a dot or two: where it stands alone (a table cell) it is a digit
# the model could not read ("0" seen as "o", "。", ".", "o:"), never a word.
_NOT_A_NUMBER = re.compile(r"[A-Za-z。.．·,，:：|!'`]{1,3}")


def available() -> bool:
    """The OCR extra is installed (checked without importing the models)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "cv2", "numpy"))


_ENGINE = None


def _engine():
    """The recognizer, built once per process (loading the models takes about a second)."""
    global _ENGINE
    if _ENGINE is None:
        import logging

        from rapidocr_onnxruntime import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        _ENGINE = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=1, print_verbose=False)
    return _ENGINE


@dataclass
class PageResult:
    width: float  # points
    height: float
    chars: list[dict]
    edges: list[dict]
    skew: float  # degrees the page was turned back
    uncertain: list[str] = field(default_factory=list)  # what OCR saw where a number became unknown
    seconds: float = 0.0
    items: list = field(default_factory=list)  # the recognizer's boxes: [box, text, score, word boxes…]
    scale: float = 1.0  # pixels per point of the rendered page


def render(page, dpi: float = DPI):
    """A PDFium page as a grayscale NumPy array at `dpi` (smaller for oversized pages)."""
    import numpy as np

    width, height = page.get_size()
    scale = min(dpi / 72, MAX_SIDE_PX / max(width, height, 1))
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    return np.asarray(image), scale


def deskew(gray):
    """(straightened image, angle): the rotation in [-MAX_SKEW, MAX_SKEW] degrees that makes the
    row profile of the ink sharpest (text lines and ruling lines horizontal)."""
    import cv2
    import numpy as np

    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 3), max(1, h // 3)), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    sh, sw = ink.shape
    centre = (sw / 2, sh / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rows = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = [a / 4 for a in range(int(-MAX_SKEW * 4), int(MAX_SKEW * 4) + 1)]
    best = max(coarse, key=lambda a: (sharpness(a), -abs(a)))
    fine = [best + a / 20 for a in range(-5, 6)]
    best = max(fine, key=lambda a: (sharpness(a), -abs(a)))
    if abs(best) < 0.25:  # a straight page is left alone (the search's own jitter)
        return gray, 0.0
    m = cv2.getRotationMatrix2D((w / 2, h / 2), best, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), best


def despeckle(gray):
    """A dusty scan without its specks: dark marks of at most two pixels become white. Nothing
    larger is touched (a median filter would also erase a thin minus sign, turning -42 into 42)."""
    import cv2
    import numpy as np

    dark = (gray < 160).astype(np.uint8)
    n, labels, stats, _c = cv2.connectedComponentsWithStats(dark, connectivity=8)
    specks = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] <= 2)
    specks = specks[specks > 0]
    if not len(specks):
        return gray
    out = gray.copy()
    out[np.isin(labels, specks)] = 255
    return out


def ruling_edges(gray, scale: float) -> list[dict]:
    """Horizontal and vertical ruling lines of the raster, as pdfplumber edges (points)."""
    import cv2
    import numpy as np

    from .pdf import _edge

    # Light grey counts: a thin line of a scan, turned back by deskew, is anti-aliased grey.
    ink = (gray < 200).astype(np.uint8)
    px = scale  # pixels per point
    out: list[dict] = []
    for horizontal in (True, False):
        # Long runs only: long enough that no stroke of a character survives, short enough for
        # one cell's side.
        k = max(3, int((36 if horizontal else 16) * px))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if horizontal else (1, k))
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        n, _labels, stats, _c = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _area = (int(v) for v in stats[i])
            if horizontal and h <= 4 * px:
                mid = (y + h / 2) / px
                out.append(_edge(x / px, mid, (x + w) / px, mid, "line"))
            elif not horizontal and w <= 4 * px:
                mid = (x + w / 2) / px
                out.append(_edge(mid, y / px, mid, (y + h) / px, "line"))
    return out


def _char_boxes(item) -> list[tuple[str, float, float, float]]:
    """(character, x0, x1, confidence) in pixels for one OCR box; x positions from the model's
    word boxes when they match the text, else the box split evenly. Gaps inside one box are closed
    (the box is one run of text: a gap must not become a space)."""
    box, text, score = item[0], item[1], float(item[2])
    xs = [p[0] for p in box]
    left, right = min(xs), max(xs)
    spans: list[tuple[str, float, float, float]] = []
    if len(item) >= 6 and item[3] and "".join(item[4]) == text and len(item[3]) == len(item[4]):
        for wbox, word, conf in zip(item[3], item[4], item[5] if len(item[5]) == len(item[4]) else [score] * len(item[4])):
            wx = [p[0] for p in wbox]
            x0, x1 = min(wx), max(wx)
            step = (x1 - x0) / max(1, len(word))
            spans += [(ch, x0 + k * step, x0 + (k + 1) * step, float(conf)) for k, ch in enumerate(word)]
    else:
        step = (right - left) / max(1, len(text))
        spans = [(ch, left + k * step, left + (k + 1) * step, score) for k, ch in enumerate(text)]
    closed = []
    for k, (ch, x0, x1, conf) in enumerate(spans):
        nxt = spans[k + 1][1] if k + 1 < len(spans) else max(x1, right)
        closed.append((ch, x0 if k else min(x0, left), max(x1, nxt), conf))
    return closed


def censor(spans: list, threshold: float) -> tuple[list, list[str]]:
    """`spans` ((character, x0, x1, confidence) each) with every digit run that is unsure (low
    confidence, or mixing in letters the model takes for digits) replaced by one U+FFFD spanning
    the run; and the runs replaced, as seen."""
    text = "".join(s[0] for s in spans)
    if not spans:
        return spans, []

    def merged(i: int, j: int) -> tuple:
        return ("\ufffd", spans[i][1], spans[j - 1][2], min(s[3] for s in spans[i:j]))

    if _NOT_A_NUMBER.fullmatch(text.strip()):
        return [merged(0, len(spans))], [text]
    out, seen, last = [], [], 0
    for m in _DIGITISH.finditer(text):
        run = m.group().rstrip(",.，．:：")
        start, end = m.start(), m.start() + len(run)
        low = min(s[3] for s in spans[start:end]) < threshold
        # "0." or "0:" in a box of its own: a speck beside a digit, or a digit cut off — not a number.
        stray = m.group() != run and m.end() == len(text) and start == 0
        if stray:
            run, end = m.group(), m.end()
        if low or stray or any(ch in _CONFUSABLE for ch in run):
            out += spans[last:start]
            out.append(merged(start, end))
            seen.append(run)
            last = end
    return out + spans[last:], seen


def recognize(page) -> PageResult:
    """Recognize one PDFium page: its ruling lines and the model's raw text boxes (`chars` is
    filled by `page_chars`, which can be re-run with another threshold without recognizing again)."""
    import cv2

    started = time.monotonic()
    width, height = page.get_size()
    gray, scale = render(page)
    gray, skew = deskew(gray)
    edges = ruling_edges(gray, scale)  # before despeckling: the filter would thin a 1-px line away
    gray = despeckle(gray)
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    result, _elapsed = _engine()(image, return_word_box=True, text_score=0.0)
    kept = _split_at_rules(gray, [item for item in result or [] if not _noise(item)], edges, scale)
    items = kept + _inked_empty_cells(gray, edges, scale, kept)
    items = _reread_short(image, items) if REREAD else items
    return PageResult(width, height, [], edges, skew, items=items, scale=scale,
                      seconds=time.monotonic() - started)


_SHORT = re.compile(r"[0-9A-Za-z。.．·,，:：|!'`%]{1,8}")  # a box that may be a number misread


def _noise(item) -> bool:
    """A box to drop: empty, or so unsure that it is a speck read as a character — unless it may
    stand for a number (dropped, a digit would leave its cell looking blank). A table cell whose
    box was dropped still has ink, and is read again (`_inked_empty_cells`)."""
    text, score = item[1], float(item[2])
    maybe_number = re.search(r"[\d\ufffd]", text) or _NOT_A_NUMBER.fullmatch(text.strip())
    return not text.strip() or (score < DROP_BELOW and not maybe_number)


def _split_at_rules(gray, items: list, edges: list[dict], scale: float) -> list:
    """`items` with every box that runs across a vertical ruling line (the detector joined the
    texts of neighbouring cells: "0  1  0" as "010") cut at the lines into empty-text boxes, one a
    cell, clear of the lines, to be read on their own (`_reread_short`). Spread evenly over the
    joined box, its characters would land in the wrong cells."""
    pad = 2 * scale
    verticals = [(e["x0"] * scale, e["top"] * scale, e["bottom"] * scale) for e in edges if e["orientation"] == "v"]
    out = []
    for item in items:
        xs = [p[0] for p in item[0]]
        ys = [p[1] for p in item[0]]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        middle = (y0 + y1) / 2
        cuts = sorted(x for x, top, bottom in verticals if x0 + pad < x < x1 - pad and top <= middle <= bottom)
        if not cuts:
            out.append(item)
            continue
        for a, b in zip([x0, *cuts], [*cuts, x1]):
            a, b = (a + pad if a in cuts else a), (b - pad if b in cuts else b)
            inner = gray[int(y0):int(y1) + 1, int(a):int(b) + 1]
            if b - a > pad and (inner < 128).sum() >= 4 * scale * scale:  # ink, not a blank cell
                out.append([[[a, y0], [b, y0], [b, y1], [a, y1]], "", 0.0])
    return out


def _inked_empty_cells(gray, edges: list[dict], scale: float, items: list) -> list:
    """Boxes for table cells where the detector found no text but there is ink: a small digit the
    detector missed (a lone "0" on a coarse scan). Given as empty-text boxes, they are read by
    `_reread_short`; what still cannot be read stays unknown — never a blank cell."""
    if not edges:
        return []
    from pdfplumber.table import TableFinder

    from .pdf import _Geometry

    h, w = gray.shape
    centres = []
    for item in items:
        xs = [p[0] for p in item[0]]
        ys = [p[1] for p in item[0]]
        centres.append(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    found = []
    pad = max(2, int(2 * scale))  # keep clear of the cell's ruling lines
    for table in TableFinder(_Geometry((0, 0, w / scale, h / scale), edges), {}).tables:
        for cell in table.cells:
            x0, y0, x1, y1 = (int(round(v * scale)) for v in cell)
            if any(x0 <= cx < x1 and y0 <= cy < y1 for cx, cy in centres):
                continue
            inner = gray[y0 + pad:y1 - pad, x0 + pad:x1 - pad]
            if inner.size == 0:
                continue
            ys, xs = (inner < 128).nonzero()
            if len(xs) < 4 * scale * scale:  # specks of dust, not a glyph
                continue
            m = max(2, int(scale))
            bx0, by0 = x0 + pad + xs.min() - m, y0 + pad + ys.min() - m
            bx1, by1 = x0 + pad + xs.max() + m, y0 + pad + ys.max() + m
            found.append([[[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], "", 0.0])
    return found


def _reread_short(image, items: list) -> list:
    """Recognize short number-like boxes (a table cell's "0", "12") again, one at a time, and
    score their digits by how sure the model is of *the digit*.

    The recognizer batches crops and pads each to the widest of its batch: a one-digit crop beside
    a long line is squeezed into a corner and read unsure, or as "o" for "0". And its score for a
    "0" is split with "o", "O" and "。" — letters that can never make a wrong number. What makes a
    wrong number is another digit: so a digit's confidence here is its probability against the
    most likely *other digit* at that position, p / (p + rival), and a position that decoded
    nothing but where some digit was likely (a digit possibly dropped) lowers it too.

    A box still not read as digits (a lone "0" cut to its own height looks like "。") is read once
    more beside digits of the same page (`_Reader.in_context`)."""
    picks = [i for i, item in enumerate(items) if _SHORT.fullmatch(item[1].strip()) or not item[1]]
    if not picks:
        return items
    reader = _Reader()
    read = {}
    for i in picks:
        crop = _crop(image, items[i][0])
        if crop.size:
            read[i] = reader.read(crop)
    context = reader.context(image, [(items[i][0], text, confs) for i, (text, confs) in read.items()])
    out = list(items)
    for i, (text, confs) in read.items():
        maybe_number = not text or re.search(r"\d", text) or _NOT_A_NUMBER.fullmatch(text)  # not a word
        if context is not None and maybe_number and not (text.isdigit() and min(confs) >= CONTEXT_SCORE):
            again, again_confs = reader.in_context(_crop(image, _ink_box(image, items[i][0])), context)
            if not text.isdigit():
                text, confs = again, again_confs
            elif again == text:  # two readings agree: the surer one counts
                confs = [max(a, b) for a, b in zip(confs, again_confs)]
            elif again:  # two readings of one box differ: neither is sure
                confs = [0.0] * len(confs)
        # No word boxes: the box is split evenly. Nothing read again (ink in a cell, or a box the
        # first pass read): unknown, never a blank cell.
        out[i] = [items[i][0], text, min(confs)] if text else [items[i][0], "\ufffd", 0.0]
    return out


def _crop(image, box):
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    return image[max(0, int(min(ys))):int(max(ys)) + 1, max(0, int(min(xs))):int(max(xs)) + 1]


def _ink_box(image, box) -> list:
    """`box` shrunk to the ink inside it (the detector's boxes have uneven margins), leaving out
    marks that touch the box's edge (a piece of a ruling line the box overlaps)."""
    import cv2
    import numpy as np

    x0, y0 = max(0, int(min(p[0] for p in box))), max(0, int(min(p[1] for p in box)))
    ink = (_crop(image, box)[:, :, 0] < 128).astype(np.uint8)
    if not ink.any():
        return box
    n, labels, stats, _c = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    inner = [k for k in range(1, n) if stats[k, 0] > 0 and stats[k, 1] > 0
             and stats[k, 0] + stats[k, 2] < w and stats[k, 1] + stats[k, 3] < h]
    ys, xs = np.nonzero(np.isin(labels, inner) if inner else ink)
    x0, x1, y0, y1 = x0 + xs.min(), x0 + xs.max(), y0 + ys.min(), y0 + ys.max()
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


class _Reader:
    """The recognition model alone on one crop, decoded with digit-against-digit confidences;
    and, for a crop that reads as no digit, the same beside a run of digits of its page."""

    def __init__(self):
        import numpy as np

        self.rec = _engine().text_rec
        self.chars = self.rec.postprocess_op.character  # index 0 is the CTC blank
        self.digit_ids = np.array([k for k, ch in enumerate(self.chars) if len(ch) == 1 and ch in "0123456789"])

    def read(self, crop) -> tuple[str, list[float]]:
        import numpy as np

        rec, chars, digit_ids = self.rec, self.chars, self.digit_ids
        shape = rec.rec_image_shape
        norm = rec.resize_norm_img(crop, max(shape[2] / shape[1], crop.shape[1] / crop.shape[0]))
        probs = rec.session(norm[np.newaxis, :].astype(np.float32))[0][0]  # (steps, classes)
        text, confs, prev = [], [], 0
        for t, k in enumerate(probs.argmax(axis=1)):
            digits = probs[t, digit_ids]
            if k != 0 and k != prev and chars[k].strip():
                text.append(chars[k])
                if k in digit_ids:
                    p = probs[t, k]
                    rival = float(np.sort(digits)[-2]) if len(digits) > 1 else 0.0
                    confs.append(float(p / (p + rival)))
                else:
                    confs.append(float(probs[t, k]))
            elif k == 0 and confs:
                confs[-1] = min(confs[-1], 1.0 - float(digits.max()))  # a digit that may be missing
            prev = k
        return "".join(text), confs

    @staticmethod
    def context(image, reads: list):
        """(ink crop, text) of one of `reads` ((box, text, confidences) each) that is a run of one
        to four digits read surely, of median height; or None (a page without one: lone boxes
        stay as read)."""
        runs = [(box, text) for box, text, confs in reads
                if re.fullmatch(r"[0-9]{1,4}", text) and min(confs) >= CONTEXT_SCORE]
        if not runs:
            return None
        crops = sorted(((_crop(image, _ink_box(image, box)), text) for box, text in runs), key=lambda c: c[0].shape[0])
        return crops[len(crops) // 2]

    def in_context(self, crop, context) -> tuple[str, list[float]]:
        """Read `crop` to the right of the context digits, both at their own size (never scaled:
        a speck stays a speck) on one white strip. Alone, a "0" is cut to its own height and the
        model cannot tell it from "。"; beside digits of its size it is plainly a digit. Only what
        follows the context's own text, read back exactly, counts; else nothing is read."""
        import numpy as np

        ref, ref_text = context
        h = max(ref.shape[0], crop.shape[0])
        margin = max(2, h // 4)

        def framed(c, right: int):
            top = (h - c.shape[0]) // 2
            return np.pad(c, ((margin + top, margin + h - c.shape[0] - top), (margin, right), (0, 0)),
                          constant_values=255)

        strip = np.hstack([framed(ref, margin + h // 2), framed(crop, margin)])
        text, confs = self.read(strip)
        if not text.startswith(ref_text) or len(confs) != len(text):
            return "", []
        return text[len(ref_text):], confs[len(ref_text):]


def page_chars(res: PageResult, threshold: float | None = None) -> PageResult:
    """Fill `res.chars` (characters in points, as the PDF reader builds them) and `res.uncertain`
    from the recognized boxes; unsure digit runs become U+FFFD."""
    threshold = MIN_CONFIDENCE if threshold is None else threshold
    chars: list[dict] = []
    uncertain: list[str] = []
    scale = res.scale
    for item in res.items:
        if _noise(item):
            continue
        spans, seen = censor(_char_boxes(item), threshold)
        uncertain += seen
        ys = [p[1] for p in item[0]]
        top, bottom = min(ys) / scale, max(ys) / scale
        for ch, x0, x1, _conf in spans:
            if ch.isspace():
                continue
            chars.append({"text": ch, "x0": x0 / scale, "x1": x1 / scale, "top": top, "bottom": bottom,
                          "doctop": top, "upright": True, "size": bottom - top})
    res.chars, res.uncertain = chars, uncertain
    return res


def time_left() -> float | None:
    """Seconds left on the file's wall-time guard (limits.time_limit's timer), or None."""
    if not hasattr(signal, "getitimer"):
        return None
    left, _interval = signal.getitimer(signal.ITIMER_REAL)
    return left or None


def extend_time(seconds: float) -> None:
    """Add `seconds` to the file's running wall-time guard, if one runs: each page to recognize
    adds `limits.ocr_seconds_per_page`, so the bound is max-seconds + pages × seconds a page."""
    left = time_left()
    if left is not None and seconds > 0:
        signal.setitimer(signal.ITIMER_REAL, left + seconds)
