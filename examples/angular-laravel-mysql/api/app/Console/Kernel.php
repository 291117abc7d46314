<?php

namespace App\Console;

use Illuminate\Foundation\Console\Kernel as ConsoleKernel;

class Kernel extends ConsoleKernel
{
    // Only what start.sh runs: Artisan's full command set (ConsoleSupportServiceProvider) wants queues, sessions
    // and more that this API does not have. migrate comes with MigrationServiceProvider.
    protected $commands = [
        \Illuminate\Database\Console\Seeds\SeedCommand::class,
    ];
}
