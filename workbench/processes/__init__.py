"""Process models as the workbench stores them: per project, AS-IS or TO-BE, with version history."""
