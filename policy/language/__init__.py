"""The parts of the rules language, each checked and made canonical: catalogue, groups, schedules, rules."""
