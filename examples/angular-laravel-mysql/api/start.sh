#!/bin/sh
# Migrations create the items table when it is missing; the seeder fills it only when it is empty. Then serve.
set -e
php artisan migrate --force
php artisan db:seed --force
exec php -S 0.0.0.0:8000 -t public public/index.php
