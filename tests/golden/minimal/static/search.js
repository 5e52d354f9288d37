copied unchanged from templates/static/search.js
