"""The operations of 政务公开: documents and interpretations, disclosure requests, 民生实事, Q&A, routing."""
