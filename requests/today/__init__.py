"""*Vandaag*: the blocks the requests app adds to every role's home page (``toolkid.today``)."""
