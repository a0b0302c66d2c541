"""The spec's sample posting: the demo's default input, and a fixture of tests and checks."""

SPEC_SAMPLE = """
        Software Engineer - Full Stack
        Company: Tech Innovations Inc
        Location: San Francisco, CA (Remote OK)
        Salary: $120,000 - $180,000

        We're looking for a full-stack engineer...
        Requirements: Python, React, PostgreSQL
        Benefits: Health insurance, 401k, flexible PTO
        """
