"""Users, roles, sign-in and the role checks every page and endpoint makes."""
