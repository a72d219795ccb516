"""Start Ralph LRS on a loopback port (run with Ralph's own Python, not the project's).

Ralph 5.1.0's fs backend refuses a second write to its file (default operation CREATE);
appending is what an LRS needs, so the class default is switched before the app loads."""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run(
    "ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), workers=1, log_level="warning"
)
