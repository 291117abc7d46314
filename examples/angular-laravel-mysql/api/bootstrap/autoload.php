<?php

// Debian's Laravel (php-laravel-framework) brings its own autoloader for Illuminate\ and the libraries it needs;
// the application's classes are loaded here by PSR-4, as composer.json's "autoload" would.
require '/usr/share/php/Illuminate/autoload.php';

spl_autoload_register(function (string $class): void {
    $roots = [
        'App\\' => __DIR__.'/../app/',
        'Database\\Seeders\\' => __DIR__.'/../database/seeders/',
    ];
    foreach ($roots as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
