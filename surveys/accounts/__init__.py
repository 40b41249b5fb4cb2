"""Staff administration in the product: who may manage whose account, invitations, deactivation, moves."""
