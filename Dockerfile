# GradLab on a slim Python 3.11 with the CPU build of PyTorch; runs as a non-root user.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1

WORKDIR /srv/gradlab

# The CPU wheel first, from PyTorch's CPU index: the default one is a multi-GB CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY app ./app
COPY templates ./templates
COPY static ./static
RUN pip install -e '.[redis]' \
    && useradd --create-home --uid 10001 gradlab

USER gradlab
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# Inside a container the classroom reaches us through the published port: listen on every interface.
CMD ["gradlab", "--host", "0.0.0.0", "--port", "8000"]
