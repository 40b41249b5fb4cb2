"""Review of flagged responses by Kanwil staff and Pusat: services, pages and their URLs."""
