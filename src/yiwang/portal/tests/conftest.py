from yiwang.applications.tests.conftest import calendar  # noqa: F401  (the working-day calendar fixture)
