copied unchanged from templates/static/verifier.js
