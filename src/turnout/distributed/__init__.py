"""Runs spread over processes: workers past one machine (Procrastinate on PostgreSQL behind the
runtime's queue worker), and one batch over this machine's cores (`run_pool`)."""
