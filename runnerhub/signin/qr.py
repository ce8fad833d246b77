"""A QR code as the path of an inline SVG: drawn by the template, so the set-up page loads
no image from anywhere (no external service, no data: URL for a strict CSP to allow)."""

from typing import NamedTuple

import qrcode
import qrcode.constants


class QRPath(NamedTuple):
    size: int  # modules per side, quiet zone included: the SVG's viewBox
    path: str  # one "M x,y h w v1 h-w z" per run of dark modules in a row


def qr_path(data: str) -> QRPath:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QRPath(len(matrix), "".join(runs))
