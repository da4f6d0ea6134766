# Tangent: one image for the web server and the Celery workers.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TANGENT_VAR_DIR=/var/lib/tangent
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap python3.11 python3.11-venv \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN sh grader/sandbox/setup.sh \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --create-home tangent && mkdir -p /var/lib/tangent && chown tangent /var/lib/tangent
USER tangent
EXPOSE 8000
CMD ["gunicorn", "tangent.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "8", "--worker-class", "gthread"]
