"""The proxy: public traffic to the hub and to each running server."""
