<?php

// Artisan's commands need a cache store; nothing of the API caches, so it lives in memory.
return [
    'default' => 'array',
    'stores' => [
        'array' => ['driver' => 'array', 'serialize' => false],
    ],
    'prefix' => 'showcase',
];
