copied unchanged from templates/static/print.js
