"""The invoicing API: an order's invoice and credit notes as PDFs."""
