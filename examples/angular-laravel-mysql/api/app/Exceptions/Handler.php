<?php

namespace App\Exceptions;

use Illuminate\Foundation\Exceptions\Handler as ExceptionHandler;
use Throwable;

class Handler extends ExceptionHandler
{
    // An API only: every error is rendered as JSON, whatever the request's Accept header says.
    protected function shouldReturnJson($request, Throwable $e)
    {
        return true;
    }
}
