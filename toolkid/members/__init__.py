"""The beheerder's "Gebruikers" page: the members of the acting organisation, their roles,
granting and ending roles, and deactivating an account (UI.md, Administrator)."""
