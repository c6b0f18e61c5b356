"""One grader per exercise: check(module) grades the learner's module and returns a summary."""
