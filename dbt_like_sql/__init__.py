"""The SQL models (`*.sql`), shipped as package data so an installed wheel has them."""
