"""Workers past one machine: Procrastinate on PostgreSQL behind the runtime's queue worker."""
