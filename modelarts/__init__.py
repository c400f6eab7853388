"""HTTP client for ModelArts visualization jobs and IAM: signing, authentication, errors. No Django here."""
