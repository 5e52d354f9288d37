copied unchanged from templates/static/copy.js
